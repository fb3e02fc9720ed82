/* test_machmsg.c: every mach_ipc variant's message bytes and mach_msg
 * arguments, pinned byte for byte (runs anywhere: machmsg.c is pure data;
 * mach_ipc_darwin.c asserts its offsets against the SDK's structs). */
#include <string.h>

#include "check.h"
#include "machmsg.h"
#include "source.h"

#define PORT 0x00001103u
#define ID 0x00000102
#define ADDR 0x00006000012345a0ull
#define OOL 4096u

/* The header and body every variant shares, with msgh_bits and size. */
static void check_header(const uint8_t *b, uint8_t disposition, uint8_t size)
{
  static const uint8_t rest[] = {
      0x03, 0x11, 0x00, 0x00, /* msgh_remote_port */
      0x00, 0x00, 0x00, 0x00, /* msgh_local_port: null */
      0x00, 0x00, 0x00, 0x00, /* msgh_voucher_port */
      0x02, 0x01, 0x00, 0x00, /* msgh_id */
      0x01, 0x00, 0x00, 0x00, /* msgh_descriptor_count */
  };
  const uint8_t bits[] = {disposition, 0x00, 0x00, 0x80};
  const uint8_t sz[] = {size, 0x00, 0x00, 0x00};

  CHECK(memcmp(b, bits, 4) == 0);
  CHECK(memcmp(b + 4, sz, 4) == 0);
  CHECK(memcmp(b + 8, rest, sizeof(rest)) == 0);
}

/* The descriptor at `at`: address, deallocate 0, copy VIRTUAL (1), pad,
 * type OOL (1), size. */
static void check_descriptor(const uint8_t *b, size_t at)
{
  static const uint8_t want[] = {0xa0, 0x45, 0x23, 0x01, 0x00, 0x60, 0x00, 0x00,
                                 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00};

  CHECK(memcmp(b + at, want, sizeof(want)) == 0);
}

static void check_variant(enum mb_variant v, uint8_t disposition, int packed,
                          int32_t option)
{
  struct mb_machmsg_send m;
  size_t i;

  memset(&m, 0xff, sizeof(m));
  mb_machmsg_build(v, PORT, ID, ADDR, OOL, &m);
  printf("%-12s bits 0x%08x size %u option 0x%02x timeout %u notify %u\n",
         mb_variant_name(v),
         (unsigned)m.bytes[0] | (unsigned)m.bytes[1] << 8 | (unsigned)m.bytes[2] << 16 |
             (unsigned)m.bytes[3] << 24,
         m.size, (unsigned)m.option, m.timeout, m.notify);
  check_header(m.bytes, disposition, packed ? 44 : 48);
  CHECK_EQ_INT(m.size, packed ? 44u : 48u);
  CHECK_EQ_INT(m.option, option);
  CHECK_EQ_INT(m.timeout, 10u); /* passed by every variant, as by the seed */
  CHECK_EQ_INT(m.notify, 0u);
  if (packed) {
    check_descriptor(m.bytes, 28);
    for (i = 44; i < sizeof(m.bytes); i++)
      CHECK_EQ_INT(m.bytes[i], 0); /* beyond the message: zero */
    /* The kernel finds the OOL descriptor where it looks. */
    CHECK_EQ_INT(mb_machmsg_kernel_type(&m), 1);
  } else {
    for (i = 28; i < 32; i++)
      CHECK_EQ_INT(m.bytes[i], 0); /* Rust's alignment padding */
    check_descriptor(m.bytes, 32);
    /* At byte 28 the kernel reads a port descriptor (type = the address's
     * top byte, 0) whose name is the padding: MACH_PORT_NULL. */
    CHECK_EQ_INT(mb_machmsg_kernel_type(&m), 0);
    CHECK_EQ_INT(mb_machmsg_kernel_word0(&m), 0);
  }
}

int main(void)
{
  /* The seed: 0x80000000 | 17, Rust layout, options 1 | 0x80. */
  check_variant(MB_VARIANT_SEED, 17, 0, 0x81);
  check_variant(MB_VARIANT_SDK, 19, 1, 0x11);
  check_variant(MB_VARIANT_COPY_SEND, 19, 0, 0x81);
  check_variant(MB_VARIANT_PACKED, 17, 1, 0x81);
  check_variant(MB_VARIANT_SEND_TIMEOUT, 17, 0, 0x11);
  /* The constants as the SDK header gives them. */
  CHECK_EQ_INT(MB_MACHMSG_SEED_OPTION, 0x81);
  CHECK_EQ_INT(MB_MACH_SEND_TIMEOUT, 0x10);
  CHECK_EQ_INT(MB_MACHMSG_RECV_OPTION, 0x102);
  /* The seed's whole message, as one array. */
  {
    static const uint8_t seed[48] = {
        0x11, 0x00, 0x00, 0x80, 0x30, 0x00, 0x00, 0x00, 0x03, 0x11, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x45, 0x23, 0x01,
        0x00, 0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00};
    struct mb_machmsg_send m;

    mb_machmsg_build(MB_VARIANT_SEED, PORT, ID, ADDR, OOL, &m);
    CHECK(memcmp(m.bytes, seed, sizeof(seed)) == 0);
  }
  /* Every variant's fixes. */
  CHECK_EQ_INT(mb_variant_fixes(MB_VARIANT_SEED), 0u);
  CHECK_EQ_INT(mb_variant_fixes(MB_VARIANT_SDK),
               MB_FIX_COPY_SEND | MB_FIX_PACKED | MB_FIX_TIMEOUT);
  return CHECK_DONE();
}
