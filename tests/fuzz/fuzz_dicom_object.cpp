// libFuzzer harness: one file's bytes → read_file → assemble → every check and the DVHs.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  const auto path = fuzz::write_scratch("object.dcm", data, size);
  Inventory inventory;
  read_file(path, inventory);
  fuzz::assemble_and_check(inventory);
  return 0;
}
