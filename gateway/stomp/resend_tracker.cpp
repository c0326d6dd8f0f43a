#include "gateway/stomp/resend_tracker.hpp"

#include "protocol/errors.hpp"

namespace chat {

uint64_t resend_tracker::admitted(const chat_message& draft, room_key room) {
  auto token = ++last_admission_;
  in_flight_[{draft.room_id, draft.temp_id}] = entry{draft, room, token, 0};
  return token;
}

bool resend_tracker::is_current(int64_t room_id, const std::string& temp_id, uint64_t token) const {
  auto i = in_flight_.find({room_id, temp_id});
  return i != in_flight_.end() && i->second.token == token;
}

void resend_tracker::admission_answered(const status_event& reply, uint64_t token) {
  if (!is_current(reply.room_id, reply.temp_id, token))
    return; // a newer admission (after its room died) tracks the message now
  auto i = in_flight_.find({reply.room_id, reply.temp_id});
  if (reply.status == delivery_status::processing)
    i->second.seq = reply.seq;
  else
    in_flight_.erase(i);
}

bool resend_tracker::admission_failed(int64_t room_id, const std::string& temp_id, uint64_t token) {
  if (!is_current(room_id, temp_id, token))
    return false;
  in_flight_.erase({room_id, temp_id});
  return true;
}

std::vector<chat_message> resend_tracker::room_died(room_key room) {
  std::vector<chat_message> again;
  for (auto i = in_flight_.begin(); i != in_flight_.end();) {
    if (i->second.room == room) {
      retired_[i->first].insert(i->second.seq);
      again.push_back(std::move(i->second.draft));
      i = in_flight_.erase(i);
    } else {
      ++i;
    }
  }
  return again;
}

bool resend_tracker::watches(room_key room) const {
  for (auto& [k, e] : in_flight_)
    if (e.room == room)
      return true;
  return false;
}

bool resend_tracker::stale_failure(const status_event& status) const {
  if (status.status != delivery_status::failed)
    return false;
  auto k = key{status.room_id, status.temp_id};
  auto retired = retired_.find(k);
  if (retired == retired_.end())
    return false; // never sent again: its one saga answers
  if (status.saga_seq != 0 && retired->second.count(status.saga_seq) > 0)
    return true;
  auto i = in_flight_.find(k);
  if (i == in_flight_.end())
    return true; // the newer admission was answered already
  // Its current admission has not answered yet (that saga cannot have ended): an older one.
  if (i->second.seq == 0)
    return true;
  return status.saga_seq != 0 && status.saga_seq != i->second.seq;
}

bool resend_tracker::awaits_seq(const status_event& status) const {
  if (status.status != delivery_status::failed || status.saga_seq == 0)
    return false;
  auto k = key{status.room_id, status.temp_id};
  auto retired = retired_.find(k);
  auto i = in_flight_.find(k);
  return retired != retired_.end() && retired->second.count(status.saga_seq) == 0 &&
         i != in_flight_.end() && i->second.seq == 0;
}

std::optional<status_event> resend_tracker::take_held(const status_event& reply) {
  auto i = in_flight_.find({reply.room_id, reply.temp_id});
  if (i == in_flight_.end() || !i->second.held || i->second.seq == 0)
    return std::nullopt;
  auto held = std::move(i->second.held);
  i->second.held.reset();
  if (held->saga_seq != i->second.seq)
    return std::nullopt; // an older saga's after all
  return held;
}

resend_tracker::verdict resend_tracker::on_final_status(const status_event& status,
                                                        chat_message& draft) {
  if (awaits_seq(status)) {
    in_flight_[{status.room_id, status.temp_id}].held = status;
    return verdict::hold;
  }
  if (stale_failure(status))
    return verdict::drop;
  auto k = key{status.room_id, status.temp_id};
  auto moved = status.error_code == wire_code(chat_errc::fenced) ||
               status.error_code == wire_code(chat_errc::room_stopped);
  if (status.status == delivery_status::failed && moved) {
    auto i = in_flight_.find(k);
    if (i != in_flight_.end() && moves_[k] < max_moves) {
      ++moves_[k];
      retired_[k].insert(i->second.seq);
      draft = std::move(i->second.draft);
      in_flight_.erase(i);
      return verdict::resend;
    }
  }
  in_flight_.erase(k);
  moves_.erase(k);
  return verdict::deliver;
}

} // namespace chat
