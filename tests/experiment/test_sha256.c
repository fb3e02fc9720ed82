/* test_sha256.c: SHA-256 against the FIPS 180-4 example vectors and
 * padding-boundary lengths, one-shot and streamed. */
#include <stdint.h>

#include "check.h"
#include "sha256.h"

static void check_hex(const char *msg, size_t len, const char *want)
{
  char hex[MB_SHA256_HEX_LEN + 1];

  CHECK_EQ_STR(mb_sha256_hex(msg, len, hex), want);
}

/* Every split point of msg must give the one-shot digest. */
static void check_streamed(const char *msg, size_t len)
{
  uint8_t one[MB_SHA256_DIGEST_LEN], two[MB_SHA256_DIGEST_LEN];
  struct mb_sha256 ctx;
  size_t split;

  mb_sha256_init(&ctx);
  mb_sha256_update(&ctx, msg, len);
  mb_sha256_final(&ctx, one);
  for (split = 0; split <= len; split++) {
    mb_sha256_init(&ctx);
    mb_sha256_update(&ctx, msg, split);
    mb_sha256_update(&ctx, NULL, 0);
    mb_sha256_update(&ctx, msg + split, len - split);
    mb_sha256_final(&ctx, two);
    CHECK_EQ_MEM(one, two, sizeof(one));
  }
}

int main(void)
{
  /* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf"). */
  static const char two_block[] =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  static const char long_msg[] =
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
      "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  /* Lengths around the 55/56-byte padding boundary and the block size;
   * digests from an independent implementation (Python's hashlib). */
  static const struct {
    size_t n;
    const char *hex;
  } as[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
  };
  char a[1000];
  char hex[MB_SHA256_HEX_LEN + 1];
  struct mb_sha256 ctx;
  uint8_t digest[MB_SHA256_DIGEST_LEN];
  size_t i;

  check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_hex("abc", 3,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_hex(two_block, sizeof(two_block) - 1,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  check_hex(long_msg, sizeof(long_msg) - 1,
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  memset(a, 'a', sizeof(a));
  for (i = 0; i < sizeof(as) / sizeof(as[0]); i++)
    check_hex(a, as[i].n, as[i].hex);

  /* One million 'a', fed in 1000-byte pieces. */
  mb_sha256_init(&ctx);
  for (i = 0; i < 1000; i++)
    mb_sha256_update(&ctx, a, sizeof(a));
  mb_sha256_final(&ctx, digest);
  for (i = 0; i < MB_SHA256_DIGEST_LEN; i++)
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  CHECK_EQ_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  check_streamed(long_msg, sizeof(long_msg) - 1);
  check_streamed(a, 200);
  return CHECK_DONE();
}
