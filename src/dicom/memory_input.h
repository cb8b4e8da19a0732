// Private to src/dicom: a DCMTK input stream over bytes in memory that, like a file stream,
// can defer loading a value (DCMTK asks for a factory to re-read it later). Without one
// DCMTK loads every value while parsing, allocating whatever length the element claims, so
// a forged 4 GiB length in a 10 KB upload would allocate 4 GiB before the read fails.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrmb.h>

#include <cstddef>
#include <cstdint>

namespace rtreview::dicom {

class MemoryInput : public DcmInputBufferStream {
 public:
  // Reads bytes [start, size) of `data`, which must outlive every value loaded from it.
  MemoryInput(const std::uint8_t* data, std::size_t size, std::size_t start = 0)
      : data_(data), size_(size), start_(start > size ? size : start) {
    setBuffer(data_ + start_, static_cast<offile_off_t>(size_ - start_));
    setEos();
  }
  DcmInputStreamFactory* newFactory() const override;

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t start_;
};

class MemoryInputFactory : public DcmInputStreamFactory {
 public:
  MemoryInputFactory(const std::uint8_t* data, std::size_t size, std::size_t at)
      : data_(data), size_(size), at_(at) {}
  DcmInputStream* create() const override { return new MemoryInput(data_, size_, at_); }
  DcmInputStreamFactory* clone() const override { return new MemoryInputFactory(*this); }
  // DCMTK's enum knows files and temporary files only; a re-readable source is what both mean.
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_;
};

inline DcmInputStreamFactory* MemoryInput::newFactory() const {
  return new MemoryInputFactory(data_, size_, start_ + static_cast<std::size_t>(tell()));
}

}  // namespace rtreview::dicom
