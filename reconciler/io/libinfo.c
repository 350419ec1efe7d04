#include "libinfo.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <yaml.h>

void io_library_versions(struct strbuf *out)
{
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
	strbuf_addf(out, "libyaml %s, libcurl %s, cJSON %s", yaml_get_version_string(),
		    curl ? curl->version : "?", cJSON_Version());
}
