# Grafana dashboards with their provisioning files, and the Prometheus alert
# rules: installed under $(datadir)/hale. Included after the top Makefile.am
# has set CLEANFILES and EXTRA_DIST.
haledashboardsdir = $(datadir)/hale/dashboards
dist_haledashboards_DATA = dashboards/hale-host.json dashboards/hale-health.json
haleprovisioningdir = $(datadir)/hale/dashboards/provisioning
dist_haleprovisioning_DATA = dashboards/provisioning/datasource.yml
# The dashboards provider, pointing at where this build installs the JSON
# (the file in the tree names /usr/share/hale/dashboards, a --prefix=/usr
# install's and the usual mount point in a container). Made outside
# dashboards/, which is distributed whole: a copy there would go into the
# tarball and, found through VPATH, stand in for the one a build makes.
nodist_haleprovisioning_DATA = hale-dashboards.yml
hale-dashboards.yml: $(top_srcdir)/dashboards/provisioning/dashboards.yml Makefile
	$(AM_V_GEN)sed -e 's|/usr/share/hale/dashboards|$(haledashboardsdir)|g' \
		$(top_srcdir)/dashboards/provisioning/dashboards.yml > $@
CLEANFILES += hale-dashboards.yml

haleprometheusdir = $(datadir)/hale/prometheus
dist_haleprometheus_DATA = etc/prometheus/hale-alerts.yml
# Their promtool tests, run by tests/integration/test_dashboards.sh.
EXTRA_DIST += tests/rules
