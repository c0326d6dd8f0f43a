// What a process costs, read from /proc: CPU time (its own, or a PostgreSQL postmaster's with
// its backends) and resident memory. The load tool samples the server and its database with
// it, so that CPU per message is measured where it is spent.
#pragma once

#include <cstdint>

namespace chat::load {

/// User + system CPU seconds of `pid`; with `children`, also of every live process whose
/// parent is `pid` (PostgreSQL's backends; one that exited takes its time with it). 0 when
/// `pid` is 0 or gone.
double cpu_seconds(int pid, bool children = false);

/// Resident memory of `pid` in bytes (VmRSS), 0 when unknown.
int64_t resident_bytes(int pid);

/// CPU seconds of this process (getrusage), to show whether the load tool is the bottleneck.
double own_cpu_seconds();

} // namespace chat::load
