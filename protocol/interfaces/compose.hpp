// Composes typed actor handles without including CAF's typed_actor definition, so that the
// interface headers stay cheap.
#pragma once

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

namespace chat {

template <class Handle, class... Sigs> struct extend_handle;

/// The handle `Handle` with the signatures `Sigs...` added (typed_actor::extend).
template <class... Base, class... Sigs> struct extend_handle<caf::typed_actor<Base...>, Sigs...> {
  using type = caf::typed_actor<Base..., Sigs...>;
};

template <class Handle, class... Sigs>
using extend_handle_t = typename extend_handle<Handle, Sigs...>::type;

template <class A, class B> struct merge_handles;

/// One handle with the signatures of both (typed_actor::extend_with).
template <class... As, class... Bs>
struct merge_handles<caf::typed_actor<As...>, caf::typed_actor<Bs...>> {
  using type = caf::typed_actor<As..., Bs...>;
};

template <class A, class B> using merge_handles_t = typename merge_handles<A, B>::type;

} // namespace chat
