// libFuzzer harness: one object's bytes → read_bytes (the reader on memory, the same code as
// read_file past the file access) → assemble → every check and the DVHs.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  rtreview::fuzz::prepare();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  Inventory inventory;
  read_bytes("object.dcm", data, size, inventory);
  fuzz::assemble_and_check(inventory);
  return 0;
}
