# Installed under $(pkgdatadir) (DATADIR/hale): Grafana dashboards, their
# file-provisioning YAML and the Prometheus alert rules. Name every file
# (no wildcards: make dist and make uninstall need the list); each list
# starts empty for the files to come.
dashboardsdir = $(pkgdatadir)/dashboards
dist_dashboards_DATA =
provisioningdir = $(pkgdatadir)/dashboards/provisioning
dist_provisioning_DATA =
rulesdir = $(pkgdatadir)/rules
dist_rules_DATA =
