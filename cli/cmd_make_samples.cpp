// rtreview make-samples DIR [--large]: write the synthetic plan sets (or the large
// benchmark case) into DIR/<set>/{RS,RP,RD}.dcm. Writes nothing outside DIR.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "rtreview/samples.h"

namespace rtreview::cli {

namespace {

struct MakeSamplesOptions {
  std::string dir;
  bool large = false;
};

int run_make_samples(const MakeSamplesOptions& options) {
  namespace fs = std::filesystem;
  std::vector<samples::SampleSet> sets;
  if (options.large)
    sets.push_back(samples::make_large_case());
  else
    sets = samples::make_sample_sets();
  for (const auto& set : sets) {
    std::vector<fs::path> written;
    const Result result = samples::write_sample_set(set, options.dir, written);
    for (const auto& path : written) {
      std::error_code ec;
      const auto size = fs::file_size(path, ec);
      std::cout << path.string() << "  " << (ec ? 0 : size) << " bytes\n";
    }
    if (!result) {
      std::cerr << "rtreview make-samples: " << result.message() << "\n";
      return exit_usage;
    }
  }
  std::cout << sets.size() << (sets.size() == 1 ? " plan set" : " plan sets") << " written to " << options.dir
            << "\n";
  return exit_ok;
}

}  // namespace

void add_make_samples_command(CLI::App& app, CommandAction& action) {
  auto options = std::make_shared<MakeSamplesOptions>();
  auto* sub = app.add_subcommand(
      "make-samples", "write the synthetic sample plan sets (or, with --large, the DVH benchmark case)");
  sub->add_option("dir", options->dir, "output folder (created if missing)")->required();
  sub->add_flag(
      "--large", options->large,
      "write only the large benchmark case (17 ROIs, 4.16 M-voxel dose, ~19 MB) as DIR/large_breast_imrt");
  sub->callback([options, &action] { action = [options] { return run_make_samples(*options); }; });
}

}  // namespace rtreview::cli
