/*
 * Authorization headers: base64 decoding, the Basic/Bearer check and
 * the Basic split basicauth starts from. The first byte picks which.
 * Decoded bytes fit the buffer with their NUL; a header matches only the
 * configured token or user:password; a split user has no ':'.
 */
#include "fuzz.h"

#include <strings.h>

#include "http/auth.h"

#define TOKEN	"0123456789abcdef-token"
/* md5crypt of "secret": cheap enough for a fuzzer's inner loop */
#define HASH	"$1$saltsalt$9xy1btjgzLYfb7hivXtC//"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_config	 cfg = { TOKEN, "admin", HASH };
	enum auth_result	 r;
	char			 out[64], err[256], plain[AUTH_HEADER_MAX], *s;
	const char		*user, *password;
	size_t			 n = 0, cap;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		cap = 1 + (data[0] >> 2);
		s = fuzz_bytes(data + 1, size - 1);
		if (auth_base64_decode(s, size - 1, out, cap, &n) == 0) {
			FUZZ_CHECK(n < cap);
			FUZZ_CHECK(out[n] == '\0');
		}
		break;
	case 1:
		s = fuzz_str(data + 1, size - 1);
		r = auth_check(&cfg, s);
		FUZZ_CHECK(r == AUTH_OK || r == AUTH_MISSING || r == AUTH_DENIED);
		if (r == AUTH_OK)
			FUZZ_CHECK(strncasecmp(s, "Bearer ", 7) == 0 ||
			    strncasecmp(s, "Basic ", 6) == 0);
		break;
	case 2:
		s = fuzz_str(data + 1, size - 1);
		if (auth_basic_split(s, plain, sizeof(plain), &user,
		    &password) == 0) {
			FUZZ_CHECK(strncasecmp(s, "Basic ", 6) == 0);
			FUZZ_CHECK(strchr(user, ':') == NULL);
			FUZZ_CHECK(user == plain && password > user &&
			    password < plain + sizeof(plain));
		}
		break;
	default:
		s = fuzz_str(data + 1, size - 1);
		(void)auth_check_token(s, err, sizeof(err));
		(void)auth_check_user(s, err, sizeof(err));
		(void)auth_check_hash(s, err, sizeof(err));
		break;
	}
	free(s);
	return 0;
}
