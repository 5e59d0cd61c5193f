/*
 * docker_parse_version: GET /version and the choice of the API version
 * both sides speak.
 */
#include "docker/docker_parse.h"

#include <ctype.h>
#include <string.h>

#include <cJSON.h>

#include "core/err.h"
#include "docker/docker_parse_json.h"

int
docker_api_parse(const char *s)
{
	int	 major = 0, minor = 0, nd;

	if (s == NULL)
		return -1;
	for (nd = 0; isdigit((unsigned char)*s) && nd < 3; nd++)
		major = major * 10 + (*s++ - '0');
	if (nd == 0 || *s++ != '.')
		return -1;
	for (nd = 0; isdigit((unsigned char)*s) && nd < 2; nd++)
		minor = minor * 10 + (*s++ - '0');
	if (nd == 0 || *s != '\0')
		return -1;
	return major * 100 + minor;
}

int
docker_parse_version(const char *json, size_t len, struct docker_version *v,
    char *err, size_t errlen)
{
	cJSON	*root;
	int	 rc = -1;

	memset(v, 0, sizeof(*v));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		err_set(err, errlen, "version: not valid JSON");
		return -1;
	}
	if ((v->api = docker_api_parse(jstr(root, "ApiVersion"))) == -1) {
		err_set(err, errlen, "version: no valid ApiVersion");
		goto out;
	}
	if ((v->min_api = docker_api_parse(jstr(root, "MinAPIVersion"))) == -1)
		v->min_api = 0;
	copy_trunc(v->version, sizeof(v->version), jstr(root, "Version"));
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
docker_api_negotiate(const struct docker_version *v, char *err, size_t errlen)
{
	int	 use;

	use = v->api < DOCKER_API_MAX ? v->api : DOCKER_API_MAX;
	if (v->min_api > use && v->min_api <= DOCKER_API_CEIL &&
	    v->min_api <= v->api)
		use = v->min_api;
	if (use < DOCKER_API_MIN || use < v->min_api) {
		if (err != NULL && errlen > 0)
			err_set(err, errlen, "engine speaks API %d.%02d to "
			    "%d.%02d, we speak %d.%02d to %d.%02d",
			    v->min_api / 100, v->min_api % 100,
			    v->api / 100, v->api % 100,
			    DOCKER_API_MIN / 100, DOCKER_API_MIN % 100,
			    DOCKER_API_CEIL / 100, DOCKER_API_CEIL % 100);
		return -1;
	}
	return use;
}
