// All atoms of the system, in one place (CAF 0.17: at most 10 characters each).
#pragma once

#include <caf/atom.hpp>

namespace chat {

// -- persistence ------------------------------------------------------------------------------
using run_atom = caf::atom_constant<caf::atom("run")>;
using insert_atom = caf::atom_constant<caf::atom("insert")>;
using finalize_atom = caf::atom_constant<caf::atom("finalize")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using mark_atom = caf::atom_constant<caf::atom("mark")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using find_atom = caf::atom_constant<caf::atom("find")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using pending_atom = caf::atom_constant<caf::atom("pending")>;
using claim_atom = caf::atom_constant<caf::atom("claim")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using resolve_atom = caf::atom_constant<caf::atom("resolve")>;
using dead_atom = caf::atom_constant<caf::atom("dead")>;
using published_atom = caf::atom_constant<caf::atom("published")>;
using failed_atom = caf::atom_constant<caf::atom("failed")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using listen_atom = caf::atom_constant<caf::atom("listen")>;
using count_atom = caf::atom_constant<caf::atom("count")>;

// -- users and rooms (REST) -------------------------------------------------------------------
using user_atom = caf::atom_constant<caf::atom("user")>;
using signup_atom = caf::atom_constant<caf::atom("signup")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using login_atom = caf::atom_constant<caf::atom("login")>;
using hash_atom = caf::atom_constant<caf::atom("hash")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;

// -- rooms and sagas --------------------------------------------------------------------------
using send_atom = caf::atom_constant<caf::atom("send")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>;
using resolved_atom = caf::atom_constant<caf::atom("resolved")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsubscr")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using typing_atom = caf::atom_constant<caf::atom("typing")>;
using active_atom = caf::atom_constant<caf::atom("active")>;
using recheck_atom = caf::atom_constant<caf::atom("recheck")>;

// -- gateway ------------------------------------------------------------------------------------
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using overflow_atom = caf::atom_constant<caf::atom("overflow")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;

// -- cluster ------------------------------------------------------------------------------------
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using activate_atom = caf::atom_constant<caf::atom("activate")>;
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using forward_atom = caf::atom_constant<caf::atom("forward")>;

// -- background work --------------------------------------------------------------------------
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using consume_atom = caf::atom_constant<caf::atom("consume")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

} // namespace chat
