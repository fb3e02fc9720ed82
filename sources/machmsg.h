/* machmsg.h: the mach_ipc collector's messages and system-call arguments as
 * pure data, so that tests on any platform pin every variant's bytes.
 *
 * The constants repeat the values of the macOS SDK's <mach/message.h>
 * (cited beside each); mach_ipc_darwin.c asserts at compile time that they
 * equal the SDK's own and that the byte offsets below are the offsets of
 * the seed's Rust #[repr(C)] structs and of the SDK's packed descriptor,
 * for arm64 and x86_64 (scripts/check-macos). Both are little-endian LP64,
 * as the bytes here are. Pure functions; thread-safe.
 */
#ifndef MB_MACHMSG_H
#define MB_MACHMSG_H

#include <stdint.h>

#include "source.h"

/* <mach/message.h> (macOS 12 SDK), line numbers of that file. */
#define MB_MACH_MSGH_BITS_COMPLEX 0x80000000u /* line 143 */
#define MB_MACH_MSG_TYPE_MOVE_SEND 17u        /* line 235 */
#define MB_MACH_MSG_TYPE_COPY_SEND 19u        /* line 237 */
#define MB_MACH_MSG_VIRTUAL_COPY 1u           /* line 248 */
#define MB_MACH_MSG_OOL_DESCRIPTOR 1u         /* line 276 */
#define MB_MACH_SEND_MSG 0x1                  /* line 656 */
#define MB_MACH_RCV_MSG 0x2                   /* line 657 */
#define MB_MACH_SEND_TIMEOUT 0x10             /* line 662 */
#define MB_MACH_SEND_NOTIFY 0x80              /* line 665: "arm send-possible notify" */
#define MB_MACH_RCV_TIMEOUT 0x100             /* line 678 */

/* The seed's send: options 1 | 0x80 (seed line 230), timeout argument 10,
 * which the kernel ignores without MACH_SEND_TIMEOUT. */
#define MB_MACHMSG_SEED_OPTION (MB_MACH_SEND_MSG | MB_MACH_SEND_NOTIFY)
#define MB_MACHMSG_FIXED_OPTION (MB_MACH_SEND_MSG | MB_MACH_SEND_TIMEOUT)
#define MB_MACHMSG_TIMEOUT_MS 10u
/* The seed's receive (seed line 188): MACH_RCV_MSG | MACH_RCV_TIMEOUT,
 * timeout 0, into its 1024 + 2 * ool_size buffer. */
#define MB_MACHMSG_RECV_OPTION (MB_MACH_RCV_MSG | MB_MACH_RCV_TIMEOUT)

/* Byte offsets. Header (24) and body (4) are the same in both layouts. */
#define MB_MACHMSG_BODY 24u
#define MB_MACHMSG_HEADER_BODY 28u
/* The seed's Rust layout: 4 bytes of alignment padding at 28, then
 * address (8), deallocate, copy, pad, type (1 each), size (4): 48 bytes. */
#define MB_MACHMSG_SEED_PAD 28u
#define MB_MACHMSG_SEED_OOL 32u
#define MB_MACHMSG_SEED_SIZE 48u
/* The SDK's mach_msg_ool_descriptor_t under #pragma pack(4) (line 281):
 * right after the body; 16 bytes with the size at +12: 44 bytes. */
#define MB_MACHMSG_SDK_OOL 28u
#define MB_MACHMSG_SDK_SIZE 44u
/* Within either descriptor: address +0, deallocate +8, copy +9, pad +10,
 * type +11, size +12. */
#define MB_MACHMSG_OOL_TYPE 11u
#define MB_MACHMSG_OOL_SIZE 12u

/* One send: the message as mach_msg reads it and mach_msg's arguments. */
struct mb_machmsg_send {
  uint8_t bytes[MB_MACHMSG_SEED_SIZE]; /* size of them are the message */
  uint32_t size;                       /* msgh_size and send_size: 48 or 44 */
  int32_t option;                      /* mach_msg's option argument */
  uint32_t timeout;                    /* its timeout argument (ms) */
  uint32_t notify;                     /* its notify argument (a port name) */
};

/* The message variant v sends as its send number `id` to port name `port`,
 * with the OOL buffer at `address` of ool_size bytes: msgh_bits COMPLEX |
 * MOVE_SEND (17) or COPY_SEND (19), the Rust layout (descriptor at 32) or
 * the SDK's (at 28), options 0x81 or 0x11 with timeout 10 and notify 0.
 * Every byte not named is 0. */
void mb_machmsg_build(enum mb_variant v, uint32_t port, int32_t id, uint64_t address,
                      uint32_t ool_size, struct mb_machmsg_send *out);

/* What the kernel reads where it expects the first descriptor (byte 28),
 * as mach_msg_type_descriptor_t's fields: the 4-byte "name" word at +0 and
 * the type byte at +11. For the seed's layout the name is the padding (0)
 * and the type the top byte of the address, so the kernel sees a null port
 * descriptor (type 0) and no OOL memory. */
uint32_t mb_machmsg_kernel_word0(const struct mb_machmsg_send *m);
uint8_t mb_machmsg_kernel_type(const struct mb_machmsg_send *m);

#endif
