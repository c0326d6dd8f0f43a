// The outcome of one item of a batched store call.
#pragma once

#include <caf/error.hpp>

namespace chat {

/// A value, or an error for this item alone (the rest of the batch may have succeeded).
template <class T> struct item_result {
  T value{};
  caf::error error;
};

} // namespace chat
