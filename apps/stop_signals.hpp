// Programs stop on SIGINT or SIGTERM: blocked in every thread (threads inherit the mask of the
// thread that starts them), awaited by the main thread.
#pragma once

#include <csignal>
#include <pthread.h>

namespace chat {

/// Blocks SIGINT and SIGTERM; call first in main, before any thread starts.
inline sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

/// Waits for SIGINT or SIGTERM; returns which.
inline int wait_for_stop_signal(const sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

} // namespace chat
