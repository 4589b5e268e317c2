/* The volatile state of a kv.quorum replica, shared by the files that make
 * up that model:
 *   kv_quorum.c      requests (GET/PUT), hints, end-of-run metrics
 *   kv_membership.c  membership change: JOIN and LEAVE announcements, the
 *                    key-range handoff they cause, and forwarding of writes
 *                    sent by a coordinator whose view is out of date
 * Membership views carry a version, `mv`: the number of membership changes
 * a node has applied. Coordinators stamp requests with theirs, so a replica
 * can tell a request made under an older view from one made under a newer
 * view than its own (only one change at a time is supported). */
#pragma once
#include "models/kv/kv.h"

enum { KV_TIMER_HANDOFF = 1, KV_TIMER_HINTS = 2, KV_TIMER_ANNOUNCE = 3 };

typedef struct {
  int64_t key;
  int dst;
  gboolean done;
} KvHandoff;

typedef struct {
  int64_t key;
  int target;
  int64_t mv; /* the membership version of the write that left the hint */
  KvCell cell;
} KvHint;

typedef struct {
  KvStore *store;
  KvRing *ring;
  int64_t mv;               /* membership changes applied (durable "mv") */
  GArray *handoffs;         /* KvHandoff, in the order first opened */
  GHashTable *handoff_ix;   /* (key, dst) → index + 1 */
  GHashTable *open_by_key;  /* key → handoffs of it not yet acknowledged */
  guint handoffs_open;
  gboolean handoff_timer;
  GArray *hints;            /* KvHint */
  gboolean hint_timer;
  GArray *announce;         /* node ids that have not acknowledged our JOIN/LEAVE */
  const char *announce_type;
} KvServer;

/* TRUE when this server is one of the N preferred replicas of `key` in its
 * own view. */
gboolean kv_server_replicates(SimNode *node, KvServer *s, int64_t key);
guint kv_server_replicas(SimNode *node);

/* ---- kv_membership.c ---- */

/* Opens a handoff of `key` to `dst` (or reopens one acknowledged before, so
 * a newer cell goes out) and sends the key's current cell now; resent every
 * `handoff_retry` until HANDOFF_ACK. Counted in kv_handoff_sent. */
void kv_handoff_queue(SimNode *node, KvServer *s, int64_t key, int dst);
/* `from` acknowledged the handoff of `key` at version `acked` (the cell it
 * received). An ack older than the cell held now (a newer write arrived
 * after that HANDOFF was sent; or a late or duplicated ack of an earlier
 * handoff) closes nothing: the resend carries the newer cell. When no
 * handoff of the key is open any more and this server does not replicate
 * it, the key is dropped. */
void kv_handoff_ack(SimNode *node, KvServer *s, int64_t key, int from, KvVersion acked);
/* The handoff timer: resends every open handoff. */
void kv_handoff_timer(SimNode *node, KvServer *s);
/* Applies a new view (owned by the callee): hands off every held key whose
 * preference list gains a node, drops held keys it no longer replicates
 * that need no handoff, raises mv and saves view and mv durably. */
void kv_membership_apply(SimNode *node, KvServer *s, KvRing *next);
/* After a data write to `key` changed the store: if this server does not
 * replicate the key and the writer's view `msg_mv` is older than its own,
 * the write is handed on to the key's replicas (and dropped once they
 * acknowledge). Returns TRUE when it forwarded. */
gboolean kv_forward_if_moved(SimNode *node, KvServer *s, int64_t key, int64_t msg_mv);
/* After a restart: hands every held key this server no longer replicates
 * to its replicas (a handoff cut short by the crash). */
void kv_handoff_orphans(SimNode *node, KvServer *s);

/* Announces `type` ("JOIN" or "LEAVE", field node = this server) to every
 * other kv.quorum server and client until each acknowledges (resent every
 * `handoff_retry`); durable "ann_done" marks the end. */
void kv_announce_start(SimNode *node, KvServer *s, const char *type);
void kv_announce_ack(SimNode *node, KvServer *s, int from, int64_t mv);
void kv_announce_timer(SimNode *node, KvServer *s);
/* Handles a JOIN or LEAVE from another node: applies the change to the view
 * if it is news, then acknowledges with ANNOUNCE_ACK (mv = the view's
 * version after the change). */
void kv_membership_on_announce(SimNode *node, KvServer *s, const SimMsg *msg);
/* DECOMMISSION from an admin node: this server leaves (once). It takes the
 * view without itself, hands every key it holds to the key's new replicas,
 * and announces LEAVE. Replies DECOMMISSION_ACK. The last member cannot
 * leave: that is a configuration error (sim_fail). */
void kv_membership_on_decommission(SimNode *node, KvServer *s, const SimMsg *msg);
