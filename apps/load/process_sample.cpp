#include "apps/load/process_sample.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace chat::load {

namespace {

struct stat_fields {
  int parent = 0;
  double cpu = 0;
};

// /proc/<pid>/stat: the command name is in parentheses and may hold spaces, so fields are
// counted after its closing parenthesis (state is field 3, ppid 4, utime 14, stime 15).
bool read_stat(int pid, stat_fields& out) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto close = text.rfind(") ");
  if (close == std::string::npos)
    return false;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  long long utime = 0;
  long long stime = 0;
  for (int index = 3; rest >> field; ++index) {
    if (index == 4)
      out.parent = std::stoi(field);
    else if (index == 14)
      utime = std::stoll(field);
    else if (index == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  out.cpu = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return true;
}

} // namespace

double cpu_seconds(int pid, bool children) {
  if (pid <= 0)
    return 0;
  stat_fields own;
  if (!read_stat(pid, own))
    return 0;
  double total = own.cpu;
  if (!children)
    return total;
  std::error_code ignored;
  for (auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    stat_fields child;
    if (read_stat(std::stoi(name), child) && child.parent == pid)
      total += child.cpu;
  }
  return total;
}

int64_t resident_bytes(int pid) {
  if (pid <= 0)
    return 0;
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(file, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoll(line.substr(6)) * 1024; // "VmRSS:   12345 kB"
  return 0;
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace chat::load
