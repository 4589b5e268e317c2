/* Messages in flight. A model builds a message as a SimMsg, which has room
 * for SIM_MSG_MAX_FIELDS fields (176 bytes); once sent, the message waits
 * in the network as a wire record holding only what it has: its type, id
 * and send time, its fields, and its size and payload when it has them
 * (24 + 16 per field bytes for most). The receiver's handler gets a SimMsg
 * unpacked on the stack. The event record of the delivery keeps the rest
 * (destination, source, and the record's layout in `info`), so with a
 * million messages in flight each costs its queue entry, its event record
 * and its wire record, not a full SimMsg.
 *
 * A record of at most SIM_WIRE_INLINE_BYTES (one field, or a size and no
 * field...) is built in its delivery's slot instead, beside the event
 * record in the same cache line (SimDlvSlot, SIM_WIRE_INLINE). The others
 * come from the Sim's own pool: one free list per size (a multiple of 8
 * bytes), refilled from 64 KiB chunks, so there is no allocator header per
 * record and a freed record is reused by the next message of the same
 * shape. */
#include "sim/kernel/internal.h"
#include <string.h>

#define WIRE_CHUNK_BYTES 65536

/* The bytes of a wire record of layout `info`. */
static inline size_t wire_bytes(uint8_t info)
{
  return sizeof(SimWire) + (info & SIM_WIRE_NFIELDS) * sizeof(SimField) +
         ((info & SIM_WIRE_SIZE) ? sizeof(uint64_t) : 0) + ((info & SIM_WIRE_PAYLOAD) ? sizeof(void *) : 0);
}

static inline guint wire_class(size_t bytes)
{
  return (guint) ((bytes - sizeof(SimWire)) / 8);
}

static SimWire *wire_alloc(Sim *sim, size_t bytes)
{
  guint k = wire_class(bytes);
  SimWire *w = sim->wire_free[k];
  if (G_LIKELY(w != NULL)) {
    sim->wire_free[k] = w->next_free;
    return w;
  }
  if ((size_t) (sim->wire_end - sim->wire_next) < bytes) {
    char *chunk = g_malloc(WIRE_CHUNK_BYTES);
    g_ptr_array_add(sim->wire_chunks, chunk);
    sim_mem_charge(sim, SIM_MEM_MESSAGES, WIRE_CHUNK_BYTES);
    sim->wire_next = chunk;
    sim->wire_end = chunk + WIRE_CHUNK_BYTES;
  }
  w = (SimWire *) sim->wire_next;
  sim->wire_next += bytes;
  return w;
}

static inline uint8_t wire_layout(const SimMsg *msg)
{
  return (uint8_t) (msg->nfields | (msg->size ? SIM_WIRE_SIZE : 0) | (msg->payload ? SIM_WIRE_PAYLOAD : 0));
}

size_t sim_wire_size(const SimMsg *msg) { return wire_bytes(wire_layout(msg)); }

SimWire *sim_wire_pack(Sim *sim, SimMsg *msg, gboolean copy_payload, uint8_t *info, void *room)
{
  guint n = msg->nfields;
  uint8_t layout = wire_layout(msg);
  SimWire *w;
  if (room) {
    g_assert(wire_bytes(layout) <= SIM_WIRE_INLINE_BYTES);
    w = room;
  } else {
    w = wire_alloc(sim, wire_bytes(layout));
  }
  w->type = msg->type;
  w->id = msg->id;
  w->sent_at = msg->sent_at;
  memcpy(w->fields, msg->fields, n * sizeof(SimField));
  char *tail = (char *) (w->fields + n);
  if (msg->size) {
    uint64_t size = msg->size;
    memcpy(tail, &size, sizeof size);
    tail += sizeof size;
  }
  if (msg->payload) {
    struct SimPayload *p = msg->payload;
    if (copy_payload) {
      p = sim_payload_copy(p);
      sim_mem_charge(sim, SIM_MEM_MESSAGES, sim_payload_bytes(p));
    } else {
      msg->payload = NULL;
    }
    memcpy(tail, &p, sizeof p);
  }
  *info = (uint8_t) (layout | (room ? SIM_WIRE_INLINE : 0));
  return w;
}

void sim_wire_unpack(const SimWire *w, uint8_t info, int src, int dst, SimMsg *out)
{
  guint n = info & SIM_WIRE_NFIELDS;
  out->type = w->type;
  out->src = src;
  out->dst = dst;
  out->id = w->id;
  out->sent_at = w->sent_at;
  out->nfields = n;
  memcpy(out->fields, w->fields, n * sizeof(SimField));
  const char *tail = (const char *) (w->fields + n);
  out->size = 0;
  if (info & SIM_WIRE_SIZE) {
    uint64_t size;
    memcpy(&size, tail, sizeof size);
    out->size = (uint32_t) size;
    tail += sizeof size;
  }
  out->payload = NULL;
  if (info & SIM_WIRE_PAYLOAD)
    memcpy(&out->payload, tail, sizeof out->payload);
}

void sim_wire_free(Sim *sim, SimWire *w, uint8_t info)
{
  if (info & SIM_WIRE_PAYLOAD) {
    struct SimPayload *p;
    memcpy(&p, (const char *) (w->fields + (info & SIM_WIRE_NFIELDS)) + ((info & SIM_WIRE_SIZE) ? sizeof(uint64_t) : 0),
           sizeof p);
    sim_mem_charge(sim, SIM_MEM_MESSAGES, -sim_payload_bytes(p));
    g_free(p);
  }
  if (info & SIM_WIRE_INLINE)
    return; /* its slot goes with the event record */
  guint k = wire_class(wire_bytes(info));
  w->next_free = sim->wire_free[k];
  sim->wire_free[k] = w;
}
