// The rules for messages a session sent to a room actor and that have no final status yet.
// If that room actor dies (its node did) or loses the room to another owner, the message goes
// to the room's current home again with the same tempId (the tempId dedupe answers it there);
// the sagas it left behind may still report, and their statuses must not contradict the
// answer of the new admission. A plain class: the session feeds it and acts on its answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocol/types/message.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

class resend_tracker {
public:
  /// Which room actor instance a message went to (the session numbers the room actors it
  /// talks to).
  using room_key = uint64_t;

  /// How often a message is sent again after its room's owner changed before it is FAILED.
  static constexpr int max_moves = 3;

  /// What to do with a final status (SAVED or FAILED) of a tracked message.
  enum class verdict {
    /// Tell the client.
    deliver,
    /// A status of a saga this session no longer waits for: telling it would contradict the
    /// answer the client gets (or got) from the newer admission.
    drop,
    /// The room actor lost the room (fenced or stopped): send the draft again.
    resend,
    /// A FAILED that may be the current saga's, which came before its admission's answer (the
    /// saga and the room actor reply separately): kept until that answer (take_held).
    hold,
  };

  /// A message goes to a room actor; returns the token of this admission.
  uint64_t admitted(const chat_message& draft, room_key room);

  /// Whether `token` is still the admission tracked for the message.
  bool is_current(int64_t room_id, const std::string& temp_id, uint64_t token) const;

  /// The room actor's reply to an admission: PROCESSING gives the saga's seq; any other
  /// status is final and ends the tracking. Replies of older admissions change nothing.
  void admission_answered(const status_event& reply, uint64_t token);

  /// The admission request itself failed (the room actor did not answer). True if it was
  /// the current admission (the tracking ends; the caller retries or reports).
  bool admission_failed(int64_t room_id, const std::string& temp_id, uint64_t token);

  /// A room actor died: the drafts it had admitted, to be sent again. Their sagas are
  /// remembered as retired.
  std::vector<chat_message> room_died(room_key room);

  /// Judges a final status (SAVED or FAILED) from a saga. With `resend`, `draft` is the
  /// message to send again (its old saga is retired).
  verdict on_final_status(const status_event& status, chat_message& draft);

  /// After admission_answered: the status held for this admission, if it was its saga's (the
  /// caller judges it again now); a held status of an older saga is dropped.
  std::optional<status_event> take_held(const status_event& reply);

  /// Messages waiting for a final status.
  size_t in_flight() const { return in_flight_.size(); }

  /// Whether the session still needs to watch a room actor.
  bool watches(room_key room) const;

private:
  using key = std::pair<int64_t, std::string>;

  struct entry {
    chat_message draft;
    room_key room = 0;
    /// Which admission of the message this is.
    uint64_t token = 0;
    /// The seq of its saga (from the PROCESSING answer; 0 before).
    int64_t seq = 0;
    /// A FAILED that came before the PROCESSING answer (verdict::hold).
    std::optional<status_event> held;
  };

  /// Whether `status` is a FAILED of a message sent again whose current admission has no seq
  /// yet, from a saga that is not one of the retired ones: it may be the current saga's.
  bool awaits_seq(const status_event& status) const;

  bool stale_failure(const status_event& status) const;

  uint64_t last_admission_ = 0;
  std::map<key, entry> in_flight_;
  /// How often a message moved to a new owner (kept apart from in_flight_: an admission that
  /// fails and retries must not reset the bound).
  std::map<key, int> moves_;
  /// Messages sent again -> the seqs of the sagas they left behind (0: one whose seq was not
  /// known yet). Only these can have stale statuses.
  std::map<key, std::set<int64_t>> retired_;
};

} // namespace chat
