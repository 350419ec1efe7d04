/*
 * SHA-256 (util/sha256) against known answers (FIPS 180-2 appendix B, the
 * NIST examples, and the padding boundaries around 55/56/64 bytes), fed whole,
 * byte by byte and split at every offset; and network policy rules
 * (refs/policyrule) as docs/backends.md §9 describes them: exact host,
 * host:port, *.domain, **.domain, IP addresses, CIDR, `**`; localhost,
 * 127.0.0.1 and host.docker.internal stay three resources; the normal form is
 * the host lowercased, valid, and a fixed point. Model references have their
 * own tests in check_modelref.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "refs/policyrule.h"
#include "util/sha256.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- SHA-256 ---------------------------------------------------------------------- */

static void hex_of(const void *data, size_t len, char out[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_hex(&h, out);
}

static const struct sha_case {
	const char *what;
	const char *msg; /* NULL: `repeat` times 'a' */
	size_t repeat;
	const char *digest;
} sha_cases[] = {
	{ "empty", "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc", 0, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896 bits",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  0, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	/* padding boundaries: 55 bytes fit one block with the length, 56 do not */
	{ "55 a", NULL, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ "56 a", NULL, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ "57 a", NULL, 57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
	{ "63 a", NULL, 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ "64 a", NULL, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ "65 a", NULL, 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ "119 a", NULL, 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	{ "120 a", NULL, 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	{ "a million a", NULL, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

START_TEST(sha256_known_answers)
{
	const struct sha_case *c = &sha_cases[_i];
	char *data = NULL;
	size_t len = c->msg ? strlen(c->msg) : c->repeat;
	if (!c->msg) {
		data = malloc(len);
		ck_assert_ptr_nonnull(data);
		memset(data, 'a', len);
	}
	const char *msg = c->msg ? c->msg : data;
	char whole[65], bytewise[65];
	hex_of(msg, len, whole);
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < len; i++)
		sha256_update(&h, msg + i, 1);
	sha256_hex(&h, bytewise);
	free(data);
	ck_assert_msg(!strcmp(whole, c->digest), "%s: %s, want %s", c->what, whole, c->digest);
	ck_assert_msg(!strcmp(bytewise, c->digest), "%s byte by byte: %s, want %s", c->what, bytewise, c->digest);
}
END_TEST

START_TEST(sha256_million_in_uneven_chunks)
{
	/* chunks that straddle block boundaries differently every time */
	static char chunk[1024];
	memset(chunk, 'a', sizeof(chunk));
	struct sha256 h;
	sha256_init(&h);
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		sha256_update(&h, chunk, n);
		left -= n;
		step = step % 997 + 13;
	}
	char out[65];
	sha256_hex(&h, out);
	ck_assert_str_eq(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

static void message130(unsigned char m[130])
{
	for (int i = 0; i < 130; i++)
		m[i] = (unsigned char)((i * 7 + 3) & 0xff);
}

#define M130_DIGEST "4d5e47a2e8510a314576c238f6ff19d389d3ef3aaaca8b2e530263a5d15741da"

START_TEST(sha256_split_at_every_offset)
{
	unsigned char m[130];
	message130(m);
	char whole[65];
	hex_of(m, sizeof(m), whole);
	ck_assert_str_eq(whole, M130_DIGEST);
	for (size_t i = 0; i <= sizeof(m); i++) {
		struct sha256 h;
		char split[65];
		sha256_init(&h);
		sha256_update(&h, m, i);
		sha256_update(&h, m + i, sizeof(m) - i);
		sha256_hex(&h, split);
		ck_assert_msg(!strcmp(split, whole), "split at %zu: %s", i, split);
		/* and in three, the middle part empty or not */
		for (size_t j = i; j <= sizeof(m); j += 17) {
			sha256_init(&h);
			sha256_update(&h, m, i);
			sha256_update(&h, m + i, j - i);
			sha256_update(&h, m + j, sizeof(m) - j);
			sha256_hex(&h, split);
			ck_assert_msg(!strcmp(split, whole), "split at %zu and %zu: %s", i, j, split);
		}
	}
}
END_TEST

START_TEST(sha256_raw_and_hex_agree)
{
	unsigned char m[130], raw[32];
	message130(m);
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, m, sizeof(m));
	sha256_final(&h, raw);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	ck_assert_str_eq(hex, M130_DIGEST);
	/* sha256_init starts over: a used context gives the same answer again */
	sha256_init(&h);
	sha256_update(&h, "abc", 3);
	sha256_hex(&h, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_uint_eq(strlen(hex), 64);
}
END_TEST

/* ---- policy rules ----------------------------------------------------------------- */

#define LABEL63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"

static const char *const valid_rules[] = {
	"example.com",
	"api.example.com",
	"Example.COM",
	"a",
	"a-b.c_d.example",
	"xn--bcher-kva.example",
	"0day.example",
	"123.example.com",
	LABEL63 ".example",
	"localhost",
	"localhost:12434",
	"LOCALHOST:12434",
	"127.0.0.1",
	"127.0.0.1:12434",
	"host.docker.internal",
	"host.docker.internal:12434",
	"example.com:1",
	"example.com:443",
	"example.com:65535",
	"*.example.com",
	"*.Example.com",
	"**.example.com",
	"*.example.com:443",
	"**.example.com:8443",
	"*.com",
	"**",
	"10.0.0.0/8",
	"192.168.1.0/24",
	"0.0.0.0/0",
	"10.1.2.3/32",
	"fe80::/10",
	"::/0",
	"2001:db8::/32",
	"2001:DB8::/128",
	"::1",
	"2001:db8::1",
	"[::1]",
	"[::1]:8080",
	"[2001:DB8::1]:443",
	"255.255.255.255",
	"1.2.3.4:80",
};

START_TEST(valid_rule_is_accepted)
{
	const char *rule = valid_rules[_i];
	const char *why = policyrule_check(rule);
	ck_assert_msg(why == NULL, "'%s' refused: %s", rule, why);
}
END_TEST

static const char *const invalid_rules[] = {
	"",
	" ",
	"example.com ",
	" example.com",
	"exa mple.com",
	"example.com\t",
	"a.com,b.com",
	"http://example.com",
	"https://example.com:443",
	"example.com:0",
	"example.com:65536",
	"example.com:99999999999999999999",
	"example.com:",
	"example.com:http",
	"example.com:-1",
	"example.com:+80",
	"example.com:80:90",
	"*",
	"*:443",
	"*.",
	"**.",
	"*.:443",
	"*example.com",
	"ex*ample.com",
	"example.*.com",
	"example.com.*",
	"*.*.example.com",
	"***.example.com",
	"**.**.example.com",
	"-example.com",
	"example-.com",
	"example..com",
	".example.com",
	"example.com.",
	LABEL63 "x.example",
	"exam!ple.com",
	"exam/ple.com",
	"10.0.0.0/33",
	"10.0.0.0/",
	"10.0.0.0/-1",
	"10.0.0.0/+8",
	"10.0.0.0/8/9",
	"10.0.0.0/8:80",
	"10.0.0/8",
	"example.com/8",
	"/8",
	"::1/129",
	"[::1",
	"[::1]:",
	"[::1]:0",
	"[::1]:65536",
	"[::1]x",
	"[example.com]:80",
	"[127.0.0.1]:80",
	"[]",
	"::1::2",
	/* all digits at the end: meant as an IPv4 address, and not a valid one */
	"256.0.0.1",
	"1.2.3",
	"1.2.3.4.5",
	"999.999.999.999:80",
	"*.1.2.3",
};

START_TEST(invalid_rule_is_refused)
{
	const char *rule = invalid_rules[_i];
	const char *why = policyrule_check(rule);
	ck_assert_msg(why != NULL, "'%s' accepted", rule);
	ck_assert_msg(*why, "'%s' refused without a reason", rule);
}
END_TEST

START_TEST(long_host_is_refused)
{
	/* 4 labels of 63 plus dots: 255 characters, past the 253 a name may have */
	char name[300];
	snprintf(name, sizeof(name), "%s.%s.%s.%s", LABEL63, LABEL63, LABEL63, LABEL63);
	ck_assert_ptr_nonnull(policyrule_check(name));
	/* 253 exactly is fine */
	name[253] = '\0';
	ck_assert_msg(name[252] != '.', "test setup: ends with a dot");
	ck_assert_ptr_null(policyrule_check(name));
}
END_TEST

static const struct norm_case {
	const char *rule, *norm;
} norms[] = {
	{ "example.com", "example.com" },
	{ "Example.COM", "example.com" },
	{ "API.Example.com:443", "api.example.com:443" },
	{ "*.Example.com", "*.example.com" },
	{ "**.EXAMPLE.com:8443", "**.example.com:8443" },
	{ "LOCALHOST:12434", "localhost:12434" },
	{ "Host.Docker.Internal", "host.docker.internal" },
	{ "host.docker.internal:12434", "host.docker.internal:12434" },
	{ "127.0.0.1", "127.0.0.1" },
	{ "127.0.0.1:12434", "127.0.0.1:12434" },
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "2001:DB8::/32", "2001:db8::/32" },
	{ "[2001:DB8::1]:443", "[2001:db8::1]:443" },
	/* one address written another way is the same rule */
	{ "[0:0::1]", "[::1]" },
	{ "[0000:0000:0000:0000:0000:0000:0000:0001]:8080", "[::1]:8080" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "2001:0DB8:0000::/32", "2001:db8::/32" },
	{ "fe80::1", "fe80::1" },
	/* IPv4 has one form already; a near-address is left as written */
	{ "10.0.0.1/32", "10.0.0.1/32" },
	{ "[not-an-address]", "[not-an-address]" },
	{ "**", "**" },
};

START_TEST(normalize_lowercases_the_host)
{
	const struct norm_case *c = &norms[_i];
	char *got = policyrule_normalize(c->rule);
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", got);
	free(got);
	ck_assert_msg(!strcmp(copy, c->norm), "normalize(%s) = %s, want %s", c->rule, copy, c->norm);
}
END_TEST

START_TEST(local_names_stay_distinct)
{
	/* the proxy rewrites host.docker.internal to localhost, yet each is its own rule */
	static const char *const forms[][2] = {
		{ "localhost", "LocalHost" },
		{ "127.0.0.1", "127.0.0.1" },
		{ "host.docker.internal", "HOST.docker.internal" },
		{ "localhost:12434", "LOCALHOST:12434" },
		{ "127.0.0.1:12434", "127.0.0.1:12434" },
		{ "host.docker.internal:12434", "Host.Docker.Internal:12434" },
		{ "[::1]", "[::1]" },
	};
	char *n[N_ELEMS(forms)];
	for (size_t i = 0; i < N_ELEMS(forms); i++) {
		ck_assert_ptr_null(policyrule_check(forms[i][0]));
		ck_assert_ptr_null(policyrule_check(forms[i][1]));
		n[i] = policyrule_normalize(forms[i][0]);
		char *other = policyrule_normalize(forms[i][1]);
		bool same = !strcmp(n[i], other);
		free(other);
		ck_assert_msg(same, "'%s' and '%s' differ after normalizing", forms[i][0], forms[i][1]);
	}
	size_t clashes = 0;
	for (size_t i = 0; i < N_ELEMS(forms); i++)
		for (size_t j = i + 1; j < N_ELEMS(forms); j++)
			clashes += !strcmp(n[i], n[j]);
	for (size_t i = 0; i < N_ELEMS(forms); i++)
		free(n[i]);
	ck_assert_uint_eq(clashes, 0);
}
END_TEST

START_TEST(port_and_wildcards_are_part_of_the_rule)
{
	static const char *const distinct[] = {
		"example.com",
		"example.com:443",
		"example.com:8443",
		"*.example.com",
		"**.example.com",
		"*.example.com:443",
		"sub.example.com",
	};
	char *n[N_ELEMS(distinct)];
	for (size_t i = 0; i < N_ELEMS(distinct); i++)
		n[i] = policyrule_normalize(distinct[i]);
	size_t clashes = 0;
	for (size_t i = 0; i < N_ELEMS(distinct); i++)
		for (size_t j = i + 1; j < N_ELEMS(distinct); j++)
			clashes += !strcmp(n[i], n[j]);
	for (size_t i = 0; i < N_ELEMS(distinct); i++)
		free(n[i]);
	ck_assert_uint_eq(clashes, 0);
}
END_TEST

/* Over every rule above: normalizing twice is normalizing once, and keeps validity. */
static void assert_fixed_point(const char *rule)
{
	char *once = policyrule_normalize(rule);
	char *twice = policyrule_normalize(once);
	bool fixed = !strcmp(once, twice);
	bool valid_before = policyrule_check(rule) == NULL, valid_after = policyrule_check(once) == NULL;
	char copy[512];
	snprintf(copy, sizeof(copy), "%s -> %s", once, twice);
	free(once);
	free(twice);
	ck_assert_msg(fixed, "'%s' is no fixed point: %s", rule, copy);
	ck_assert_msg(valid_before == valid_after, "'%s' changed validity when normalized (%s)", rule, copy);
}

START_TEST(normalize_is_idempotent)
{
	for (size_t i = 0; i < N_ELEMS(valid_rules); i++)
		assert_fixed_point(valid_rules[i]);
	for (size_t i = 0; i < N_ELEMS(invalid_rules); i++)
		assert_fixed_point(invalid_rules[i]);
	for (size_t i = 0; i < N_ELEMS(norms); i++)
		assert_fixed_point(norms[i].rule);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("refs");
	TCase *sha = tcase_create("sha256");
	tcase_add_loop_test(sha, sha256_known_answers, 0, (int)N_ELEMS(sha_cases));
	tcase_add_test(sha, sha256_million_in_uneven_chunks);
	tcase_add_test(sha, sha256_split_at_every_offset);
	tcase_add_test(sha, sha256_raw_and_hex_agree);
	tcase_set_timeout(sha, 60); /* a million single-byte updates under valgrind */
	suite_add_tcase(s, sha);
	TCase *rules = tcase_create("policyrule");
	tcase_add_loop_test(rules, valid_rule_is_accepted, 0, (int)N_ELEMS(valid_rules));
	tcase_add_loop_test(rules, invalid_rule_is_refused, 0, (int)N_ELEMS(invalid_rules));
	tcase_add_test(rules, long_host_is_refused);
	tcase_add_loop_test(rules, normalize_lowercases_the_host, 0, (int)N_ELEMS(norms));
	tcase_add_test(rules, local_names_stay_distinct);
	tcase_add_test(rules, port_and_wildcards_are_part_of_the_rule);
	tcase_add_test(rules, normalize_is_idempotent);
	suite_add_tcase(s, rules);
	return check_run_suite(s);
}
