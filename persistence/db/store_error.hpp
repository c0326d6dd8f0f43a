// Exceptions that store code throws inside jobs; the worker turns them into chat errors.
#pragma once

#include <stdexcept>
#include <string>

#include "protocol/errors.hpp"

namespace chat {

/// A failure with a chat error code (e.g. fenced, not_found, conflict).
class store_error : public std::runtime_error {
public:
  store_error(chat_errc code, const std::string& what) : std::runtime_error(what), code_(code) {
    // nop
  }

  chat_errc code() const noexcept { return code_; }

private:
  chat_errc code_;
};

/// Thrown by a fault point armed to crash: the worker actor dies mid-job.
class worker_crash : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace chat
