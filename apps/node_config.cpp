#include "apps/node_config.hpp"

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <set>

#include "persistence/faults/fault_points.hpp"
#include "protocol/type_registry.hpp"

namespace chat {

namespace {

std::string text(caf::string_view x) {
  return std::string{x.data(), x.size()};
}

} // namespace

node_config::node_config(const char* program) {
  register_types(*this);
  opt_group{custom_options_, "node"}
    .add(settings.node_id, "id", "identity of this node (owner of the rooms it activates)")
    .add(data_dir, "data-dir", "folder for runtime files (e.g. the Kafka bootstrap file)");
  settings.cluster.add_options(custom_options_);
  http.add_options(custom_options_);
  web.add_options(custom_options_);
  sockjs.add_options(custom_options_);
  settings.db.add_options(custom_options_);
  settings.kafka.add_options(custom_options_);
  settings.room.add_options(custom_options_); // with [saga]
  settings.relay.add_options(custom_options_);
  settings.recovery.add_options(custom_options_);
  settings.scheduler.add_options(custom_options_);
  settings.previews.add_options(custom_options_);
  settings.fanout.add_options(custom_options_);
  auth.add_options(custom_options_);
  gateway.add_options(custom_options_);
  {
    opt_group faults{custom_options_, "faults"};
    faults.add(faults_enabled, "enabled",
               "allow fault injection (the /admin/faults endpoint and the points below)");
    // One option per fault point, e.g. message-insert for message.insert.
    for (auto& point : fault_point_names()) {
      auto key = point;
      std::replace(key.begin(), key.end(), '.', '-');
      faults.add(fault_specs[point], key,
                 "arm " + point + ": fail|delay=D|hang=D|crash [*count] [@probability]");
    }
  }
  opt_group{custom_options_, "log"}.add(log_level, "level",
                                        "trace, debug, info, warn, error or off");
  program = program == nullptr ? "chatd" : program;
  (void)program;
}

std::string node_config::read(int argc, char** argv) {
  if (auto err = parse(argc, argv, "config/chatd.ini")) {
    if (err.category() == caf::atom("parser"))
      return "invalid command line option: " + render(err);
    return "cannot read the configuration: " + render(err);
  }
  if (cli_helptext_printed)
    return {};
  if (auto problem = check_explicit_values(); !problem.empty())
    return problem;
  return check_ranges();
}

std::string node_config::check_explicit_values() const {
  // CAF drops INI values of the wrong type and keeps unknown keys silently: read the file
  // again without type checks and check every entry against the options.
  auto raw = parse_config_file(config_file_path.c_str());
  if (!raw)
    return {}; // no file (the default path is optional); parse() reported real errors
  for (auto& [category, value] : *raw) {
    auto* entries = caf::get_if<caf::settings>(&value);
    if (entries == nullptr) {
      auto opt = custom_options_.qualified_name_lookup("global", category);
      if (opt == nullptr)
        return "unknown option '" + category + "' in " + config_file_path;
      if (auto err = opt->check(value))
        return "invalid value for '" + category + "' in " + config_file_path + ": expected " +
               text(opt->type_name());
      continue;
    }
    for (auto& [key, entry] : *entries) {
      auto opt = custom_options_.qualified_name_lookup(category, key);
      if (opt == nullptr)
        return "unknown option '" + category + "." + key + "' in " + config_file_path;
      if (auto err = opt->check(entry))
        return "invalid value for '" + category + "." + key + "' in " + config_file_path +
               ": expected " + text(opt->type_name());
    }
  }
  return {};
}

std::string node_config::check_ranges() const {
  if (settings.node_id.empty() || settings.node_id.size() > 64)
    return "node.id must have 1 to 64 characters";
  for (auto problem :
       {settings.cluster.check(), http.check(), web.check(), sockjs.check(), settings.db.check(),
        settings.kafka.check(), settings.room.check(), settings.relay.check(),
        settings.recovery.check(), settings.scheduler.check(), settings.previews.check(),
        settings.fanout.check(), auth.check(), gateway.check()})
    if (!problem.empty())
      return problem;
  // What spans components.
  auto& saga = settings.room.saga;
  if (settings.db.lock_timeout >= saga.step_timeout)
    return "db.lock-timeout must be shorter than saga.step-timeout";
  if (settings.recovery.pending_age <= saga.step_timeout * 3)
    return "recovery.pending-age must exceed three saga step timeouts (a saga's forward path)";
  if (settings.relay.request_timeout <= settings.kafka.delivery_timeout)
    return "outbox.request-timeout must exceed kafka.delivery-timeout";
  for (auto& [point, text] : fault_specs) {
    if (text.empty())
      continue;
    if (!faults_enabled)
      return "faults." + point + " is armed but faults.enabled is false";
    std::string error;
    if (!parse_fault_spec(text, error))
      return "faults." + point + ": " + error;
  }
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(std::begin(levels), std::end(levels), log_level) == std::end(levels))
    return "log.level must be one of trace, debug, info, warn, error, off";
  return {};
}

node_settings node_config::node() const {
  auto result = settings;
  result.room.node = settings.node_id;
  result.cluster.self.id = settings.node_id;
  result.cluster.self.http_port = http.port;
  result.scheduler.node = settings.node_id;
  // An undecided saga waits for recovery's decision: asking more often than recovery decides
  // is useless, less often keeps its sender waiting.
  result.room.undecided_recheck = std::min(result.room.undecided_recheck, result.recovery.interval);
  return result;
}

std::map<std::string, std::string> node_config::option_values() const {
  // The sections of the node's components (CAF's own sections are CAF's defaults).
  static const std::set<std::string> ours{
    "node",     "cluster", "http", "db",      "kafka",  "room", "saga",      "outbox",
    "recovery", "fanout",  "auth", "gateway", "faults", "log",  "schedules", "previews"};
  std::map<std::string, std::string> result;
  for (auto& opt : custom_options_) {
    if (ours.count(text(opt.category())) == 0)
      continue;
    auto value = opt.get();
    result[text(opt.full_name())] = value ? caf::to_string(*value) : std::string{"?"};
  }
  return result;
}

void node_config::arm_faults() const {
  if (!faults_enabled)
    return;
  for (auto& [point, text] : fault_specs) {
    std::string error;
    if (auto spec = parse_fault_spec(text, error); !text.empty() && spec)
      fault_registry::instance().arm(point, *spec);
  }
}

} // namespace chat
