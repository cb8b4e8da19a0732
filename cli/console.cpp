#include "console.h"

#include <map>
#include <string>

namespace rtreview::cli {

void print_input_problems(std::ostream& out, const char* prefix, const std::vector<PacketUnreadable>& files) {
  static const std::string ignored_prefix = "ignored: ";
  std::map<std::string, std::vector<std::string>> ignored;  // reason → files (sorted: stable output)
  for (const auto& u : files) {
    if (u.reason.rfind(ignored_prefix, 0) == 0)
      ignored[u.reason.substr(ignored_prefix.size())].push_back(u.path);
    else
      out << prefix << ": " << u.path << ": " << u.reason << "\n";
  }
  for (const auto& [reason, paths] : ignored)
    out << prefix << ": ignored " << paths.size() << " file(s): " << reason << " (" << paths.front()
        << (paths.size() > 1 ? ", ..." : "") << ")\n";
}

void print_input_problems(std::ostream& out, const char* prefix, const ReviewRun& run) {
  print_input_problems(out, prefix, packet_context(run, true).unreadable);
}

}  // namespace rtreview::cli
