/*
 * Admin-endpoint credentials: constant-time compare, base64, bearer and
 * basic auth against crypt(3) hashes, and the config checks.
 *
 * The hashes are of "s3cret", made once with Python's crypt module:
 *	crypt.crypt("s3cret", "$6$saltsalt$")
 *	crypt.crypt("s3cret", "$2b$05$abcdefghijklmnopqrstuu")
 * Basic credentials: base64("ops:s3cret") = b3BzOnMzY3JldA==,
 * base64("ops:wrong") = b3BzOndyb25n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/auth.h"

#define SHA512_HASH "$6$saltsalt$As4wrv0kZlfch1du9WeH7qhskyLriQWySXrZzynnvi46" \
	"nFnNxjdpl6ksRegrrKexvhIa/Iny8S8uF3fVWTMuC1"
#define BCRYPT_HASH "$2b$05$abcdefghijklmnopqrstuuLK7U1u6pVRmL7L1BBM2aS35PSZnDXlK"
#define TOKEN "Zq8t1v5R0pLm3Xw7Yc2N"

static void
test_equal(void **state)
{
	(void)state;
	assert_int_equal(auth_equal("abc", 3, "abc", 3), 1);
	assert_int_equal(auth_equal("abd", 3, "abc", 3), 0);
	assert_int_equal(auth_equal("ab", 2, "abc", 3), 0);
	assert_int_equal(auth_equal("abcd", 4, "abc", 3), 0);
	assert_int_equal(auth_equal("", 0, "abc", 3), 0);
	assert_int_equal(auth_equal("", 0, "", 0), 1);
	/* A NUL inside is a byte like any other. */
	assert_int_equal(auth_equal("a\0c", 3, "a\0d", 3), 0);
}

static void
test_base64(void **state)
{
	char	 out[32];
	size_t	 n = 99;

	(void)state;
	assert_int_equal(auth_base64_decode("b3BzOnMzY3JldA==", 16, out,
	    sizeof(out), &n), 0);
	assert_int_equal(n, 10);
	assert_string_equal(out, "ops:s3cret");
	assert_int_equal(auth_base64_decode("YQ==", 4, out, sizeof(out), &n), 0);
	assert_string_equal(out, "a");
	assert_int_equal(auth_base64_decode("YWI=", 4, out, sizeof(out), &n), 0);
	assert_string_equal(out, "ab");
	assert_int_equal(auth_base64_decode("YWJj", 4, out, sizeof(out), &n), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(auth_base64_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(auth_base64_decode("YQ=", 3, out, sizeof(out), &n), -1);
	assert_int_equal(auth_base64_decode("Y===", 4, out, sizeof(out), &n), -1);
	assert_int_equal(auth_base64_decode("YQ==YQ==", 8, out, sizeof(out), &n),
	    -1);
	assert_int_equal(auth_base64_decode("YQ=a", 4, out, sizeof(out), &n), -1);
	assert_int_equal(auth_base64_decode("!!!!", 4, out, sizeof(out), &n), -1);
	/* "abc" needs 4 bytes with the NUL. */
	assert_int_equal(auth_base64_decode("YWJj", 4, out, 3, &n), -1);
	assert_int_equal(auth_base64_decode("YWJj", 4, out, 4, &n), 0);
}

static void
test_off(void **state)
{
	struct auth_config	 a = { NULL, NULL, NULL };
	struct auth_config	 half = { "", "ops", NULL };

	(void)state;
	assert_int_equal(auth_enabled(&a), 0);
	assert_int_equal(auth_check(&a, "Bearer " TOKEN), AUTH_OFF);
	assert_int_equal(auth_check(&a, NULL), AUTH_OFF);
	/* A user without a hash can never log in: off. */
	assert_int_equal(auth_check(&half, "Basic b3BzOnMzY3JldA=="), AUTH_OFF);
	assert_int_equal(auth_check(NULL, NULL), AUTH_OFF);
}

static void
test_bearer(void **state)
{
	struct auth_config	 a = { TOKEN, NULL, NULL };

	(void)state;
	assert_int_equal(auth_enabled(&a), 1);
	assert_int_equal(auth_check(&a, "Bearer " TOKEN), AUTH_OK);
	assert_int_equal(auth_check(&a, "bearer " TOKEN), AUTH_OK);
	assert_int_equal(auth_check(&a, "Bearer  " TOKEN), AUTH_OK);
	assert_int_equal(auth_check(&a, "Bearer " TOKEN "x"), AUTH_DENIED);
	assert_int_equal(auth_check(&a, "Bearer Zq8t1v5R0pLm3Xw7Yc2"), AUTH_DENIED);
	assert_int_equal(auth_check(&a, "Bearer "), AUTH_DENIED);
	assert_int_equal(auth_check(&a, NULL), AUTH_MISSING);
	assert_int_equal(auth_check(&a, ""), AUTH_MISSING);
	assert_int_equal(auth_check(&a, TOKEN), AUTH_MISSING);
	assert_int_equal(auth_check(&a, "Token " TOKEN), AUTH_MISSING);
	/* Basic is not accepted when only a token is configured. */
	assert_int_equal(auth_check(&a, "Basic b3BzOnMzY3JldA=="), AUTH_DENIED);
	assert_string_equal(auth_challenge(&a), "Bearer realm=\"hale\"");
}

static void
test_basic(void **state)
{
	struct auth_config	 a = { NULL, "ops", SHA512_HASH };
	struct auth_config	 b = { NULL, "ops", BCRYPT_HASH };
	struct auth_config	 both = { TOKEN, "ops", SHA512_HASH };

	(void)state;
	assert_int_equal(auth_check(&a, "Basic b3BzOnMzY3JldA=="), AUTH_OK);
	assert_int_equal(auth_check(&a, "basic b3BzOnMzY3JldA=="), AUTH_OK);
	assert_int_equal(auth_check(&b, "Basic b3BzOnMzY3JldA=="), AUTH_OK);
	assert_int_equal(auth_check(&a, "Basic b3BzOndyb25n"), AUTH_DENIED);
	/* Right password, wrong user: base64("root:s3cret"). */
	assert_int_equal(auth_check(&a, "Basic cm9vdDpzM2NyZXQ="), AUTH_DENIED);
	/* A colon inside the password is part of it: "ops:s3:cr:et". */
	assert_int_equal(auth_check(&a, "Basic b3BzOnMzOmNyOmV0"), AUTH_DENIED);
	/* Not base64, or no colon: as if no credentials were sent. */
	assert_int_equal(auth_check(&a, "Basic !!!"), AUTH_MISSING);
	assert_int_equal(auth_check(&a, "Basic b3Bz"), AUTH_MISSING);
	assert_int_equal(auth_check(&a, "Bearer " TOKEN), AUTH_DENIED);
	assert_string_equal(auth_challenge(&a),
	    "Basic realm=\"hale\", charset=\"UTF-8\"");
	/* With both configured, either works. */
	assert_int_equal(auth_check(&both, "Bearer " TOKEN), AUTH_OK);
	assert_int_equal(auth_check(&both, "Basic b3BzOnMzY3JldA=="), AUTH_OK);
}

static void
test_config_checks(void **state)
{
	char	 err[128];

	(void)state;
	assert_int_equal(auth_check_token(TOKEN, err, sizeof(err)), 0);
	assert_int_equal(auth_check_token("short", err, sizeof(err)), -1);
	assert_string_equal(err, "must be 16 to 256 characters");
	assert_int_equal(auth_check_token("0123456789 abcdef", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "must be printable ASCII without spaces");
	assert_int_equal(auth_check_user("ops", err, sizeof(err)), 0);
	assert_int_equal(auth_check_user("o:ps", err, sizeof(err)), -1);
	assert_int_equal(auth_check_user("", err, sizeof(err)), -1);
	assert_int_equal(auth_check_hash(SHA512_HASH, err, sizeof(err)), 0);
	assert_int_equal(auth_check_hash(BCRYPT_HASH, err, sizeof(err)), 0);
	assert_int_equal(auth_check_hash("s3cret", err, sizeof(err)), -1);
	assert_string_equal(err, "is not a crypt(3) hash like $y$... or "
	    "$2b$... (mkpasswd -m yescrypt)");
	assert_int_equal(auth_check_hash("$9$nosuchmethod$", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "uses a hashing method libcrypt does not "
	    "support");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_config_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
