/* machmsg.c: the mach_ipc collector's messages as bytes (machmsg.h). */
#include "machmsg.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
  put32(p, (uint32_t)v);
  put32(p + 4, (uint32_t)(v >> 32));
}

void mb_machmsg_build(enum mb_variant v, uint32_t port, int32_t id, uint64_t address,
                      uint32_t ool_size, struct mb_machmsg_send *out)
{
  unsigned fixes = mb_variant_fixes(v);
  uint32_t ool = (fixes & MB_FIX_PACKED) ? MB_MACHMSG_SDK_OOL : MB_MACHMSG_SEED_OOL;
  uint8_t *d;

  memset(out, 0, sizeof(*out));
  out->size = (fixes & MB_FIX_PACKED) ? MB_MACHMSG_SDK_SIZE : MB_MACHMSG_SEED_SIZE;
  /* mach_msg_header_t: bits, size, remote, local (null), voucher (0), id. */
  put32(out->bytes + 0, MB_MACH_MSGH_BITS_COMPLEX |
                            ((fixes & MB_FIX_COPY_SEND) ? MB_MACH_MSG_TYPE_COPY_SEND
                                                        : MB_MACH_MSG_TYPE_MOVE_SEND));
  put32(out->bytes + 4, out->size);
  put32(out->bytes + 8, port);
  put32(out->bytes + 20, (uint32_t)id);
  put32(out->bytes + MB_MACHMSG_BODY, 1); /* msgh_descriptor_count */
  d = out->bytes + ool;
  put64(d, address);
  d[8] = 0; /* deallocate */
  d[9] = MB_MACH_MSG_VIRTUAL_COPY;
  d[MB_MACHMSG_OOL_TYPE] = MB_MACH_MSG_OOL_DESCRIPTOR;
  put32(d + MB_MACHMSG_OOL_SIZE, ool_size);
  /* The seed's options are 1 | 0x80 (MACH_SEND_NOTIFY, not the
   * MACH_SEND_TIMEOUT its comment names); the fix sends 1 | 0x10. Both pass
   * the timeout argument 10 and notify 0, as the seed does. */
  out->option =
      (fixes & MB_FIX_TIMEOUT) ? MB_MACHMSG_FIXED_OPTION : MB_MACHMSG_SEED_OPTION;
  out->timeout = MB_MACHMSG_TIMEOUT_MS;
  out->notify = 0;
}

uint32_t mb_machmsg_kernel_word0(const struct mb_machmsg_send *m)
{
  const uint8_t *p = m->bytes + MB_MACHMSG_HEADER_BODY;

  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

uint8_t mb_machmsg_kernel_type(const struct mb_machmsg_send *m)
{
  return m->bytes[MB_MACHMSG_HEADER_BODY + MB_MACHMSG_OOL_TYPE];
}
