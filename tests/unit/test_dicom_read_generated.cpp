// Reader behaviour on files built in code with write_plan / write_dose /
// write_structure_set: carry-forward, ROI 0, empty ROIs, negative GFOV, orientations.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "rtreview/dicom_io.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace rtreview;

namespace {

ObjectInfo make_info(const std::string& uid, const std::string& modality, const std::string& sop_class) {
  ObjectInfo info;
  info.sop_class_uid = sop_class;
  info.sop_instance_uid = uid;
  info.modality = modality;
  info.study_instance_uid = "1.2.826.0.1.3680043.10.1.1";
  info.series_instance_uid = uid + ".1";
  info.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1.9";
  info.patient = {"Test^Patient", "RT001", "19700101", "O"};
  return info;
}

Plan make_plan() {
  Plan plan;
  plan.info = make_info("1.2.826.0.1.3680043.10.1.2", "RTPLAN", "1.2.840.10008.5.1.4.1.1.481.5");
  plan.label = "ARC";
  plan.kind = PlanKind::photon_electron;
  plan.patient_positions = {"HFS"};
  Beam beam;
  beam.number = 1;
  beam.name = "arc1";
  beam.beam_type = "DYNAMIC";
  beam.radiation_type = "PHOTON";
  beam.treatment_delivery_type = "TREATMENT";
  beam.final_cumulative_meterset_weight = 1.0;
  for (int i = 0; i < 3; ++i) {
    ControlPoint cp;
    cp.index = i;
    cp.cumulative_meterset_weight = i / 2.0;
    cp.nominal_energy_mev = 6.0;
    cp.gantry_angle_deg = i == 2 ? 90.0 : 180.0;  // CP 1 repeats CP 0: not written
    cp.gantry_rotation_direction = "CW";
    cp.collimator_angle_deg = 30.0;
    cp.couch_angle_deg = 10.0;
    cp.isocenter_mm = Point3{1, 2, 3};
    cp.device_positions = {{"ASYMX", {-50, 50}}, {"ASYMY", {-40, 40}}};
    if (i == 2) cp.device_positions[0].positions_mm = {-20, 20};
    beam.control_points.push_back(cp);
  }
  beam.declared_control_point_count = 3;
  plan.beams.push_back(beam);
  FractionGroup group;
  group.number = 1;
  group.fractions_planned = 5;
  group.beams.push_back({1, 250.0, 2.0, std::nullopt});
  plan.fraction_groups.push_back(group);
  return plan;
}

DoseGrid make_dose() {
  DoseGrid dose;
  dose.info = make_info("1.2.826.0.1.3680043.10.1.3", "RTDOSE", "1.2.840.10008.5.1.4.1.1.481.2");
  dose.columns = 4;
  dose.rows = 3;
  dose.frames = 2;
  dose.origin_mm = {10, 20, 30};
  dose.row_spacing_mm = 2.5;
  dose.column_spacing_mm = 2.0;
  dose.frame_offsets_mm = {0.0, -3.0};  // negative GFOV
  dose.units = "GY";
  dose.dose_type = "PHYSICAL";
  dose.summation_type = "PLAN";
  dose.dose_grid_scaling = 0.001;
  dose.bits_allocated = 16;
  for (int i = 0; i < 24; ++i) dose.dose.push_back(static_cast<float>(i * 0.001));
  return dose;
}

StructureSet make_structure_set() {
  StructureSet ss;
  ss.info = make_info("1.2.826.0.1.3680043.10.1.4", "RTSTRUCT", "1.2.840.10008.5.1.4.1.1.481.3");
  ss.label = "SS";
  ss.referenced_frame_of_reference_uids = {ss.info.frame_of_reference_uid};
  Roi body;
  body.number = 0;  // ROI number 0 is legal
  body.name = "BODY";
  body.interpreted_type = "EXTERNAL";
  body.frame_of_reference_uid = ss.info.frame_of_reference_uid;
  body.in_roi_contour_sequence = true;
  body.contours.push_back({"CLOSED_PLANAR", {{0, 0, 0}, {10, 0, 0}, {10, 10, 0}}, std::nullopt});
  Roi empty;
  empty.number = 7;
  empty.name = "Areola";
  empty.interpreted_type = "AVOIDANCE";
  empty.frame_of_reference_uid = ss.info.frame_of_reference_uid;
  empty.in_roi_contour_sequence = true;  // listed in ROIContourSequence with no contours
  ss.rois = {body, empty};
  return ss;
}

template <class T>
std::shared_ptr<const T> read_back(const fs::path& path,
                                   std::vector<std::shared_ptr<const T>> Inventory::*member) {
  Inventory inventory;
  read_file(path, inventory);
  EXPECT_TRUE(inventory.unreadable.empty())
      << (inventory.unreadable.empty() ? "" : inventory.unreadable[0].reason);
  auto& list = inventory.*member;
  EXPECT_EQ(list.size(), 1u);
  return list.empty() ? nullptr : list.front();
}

class dicom_read_generated : public ::testing::Test {
 protected:
  fs::path dir = rtreview::test::make_temp_dir("rtreview-read");
  void TearDown() override { fs::remove_all(dir); }
};

}  // namespace

TEST_F(dicom_read_generated, control_points_carry_forward) {
  ASSERT_EQ(write_plan(make_plan(), dir / "plan.dcm").message(), "");
  auto plan = read_back(dir / "plan.dcm", &Inventory::plans);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->beams.size(), 1u);
  const auto& cps = plan->beams[0].control_points;
  ASSERT_EQ(cps.size(), 3u);
  EXPECT_TRUE(cps[0].gantry_explicit);
  EXPECT_FALSE(cps[1].gantry_explicit);
  EXPECT_DOUBLE_EQ(cps[1].gantry_angle_deg, 180.0);  // inherited
  EXPECT_EQ(cps[1].gantry_rotation_direction, "CW");
  EXPECT_DOUBLE_EQ(cps[2].gantry_angle_deg, 90.0);
  for (const auto& cp : cps) {
    EXPECT_DOUBLE_EQ(cp.collimator_angle_deg, 30.0);
    EXPECT_DOUBLE_EQ(cp.couch_angle_deg, 10.0);
    ASSERT_TRUE(cp.isocenter_mm);
    EXPECT_EQ(*cp.isocenter_mm, (Point3{1, 2, 3}));
    ASSERT_TRUE(cp.nominal_energy_mev);
    EXPECT_DOUBLE_EQ(*cp.nominal_energy_mev, 6.0);
    ASSERT_EQ(cp.device_positions.size(), 2u);
  }
  EXPECT_FALSE(cps[1].device_positions_explicit);
  EXPECT_EQ(cps[1].device_positions[0].positions_mm, (std::vector<double>{-50, 50}));
  EXPECT_EQ(cps[2].device_positions[0].positions_mm, (std::vector<double>{-20, 20}));
  EXPECT_EQ(cps[2].device_positions[1].positions_mm, (std::vector<double>{-40, 40}));  // carried per device
  EXPECT_EQ(plan->fraction_groups.at(0).fractions_planned, 5);
  EXPECT_EQ(plan->fraction_groups.at(0).beams.at(0).meterset, 250.0);
  EXPECT_EQ(plan->kind, PlanKind::photon_electron);
  EXPECT_TRUE(plan->notes.empty()) << plan->notes.front();
}

TEST_F(dicom_read_generated, declared_control_point_count_mismatch_is_noted) {
  Plan plan = make_plan();
  plan.beams[0].declared_control_point_count = 4;
  ASSERT_EQ(write_plan(plan, dir / "plan.dcm").message(), "");
  auto read = read_back(dir / "plan.dcm", &Inventory::plans);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->notes.size(), 1u);
  EXPECT_NE(read->notes[0].find("NumberOfControlPoints 4 but 3"), std::string::npos) << read->notes[0];
}

TEST_F(dicom_read_generated, roi_number_zero_and_roi_without_contours) {
  ASSERT_EQ(write_structure_set(make_structure_set(), dir / "ss.dcm").message(), "");
  auto ss = read_back(dir / "ss.dcm", &Inventory::structure_sets);
  ASSERT_TRUE(ss);
  ASSERT_EQ(ss->rois.size(), 2u);
  const Roi* body = ss->find_roi(0);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->name, "BODY");
  EXPECT_EQ(body->interpreted_type, "EXTERNAL");
  ASSERT_EQ(body->contours.size(), 1u);
  EXPECT_EQ(body->contours[0].points_mm.size(), 3u);
  EXPECT_TRUE(body->has_closed_contours());
  const Roi* empty = ss->find_roi(7);
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->contours.empty());
  EXPECT_EQ(empty->interpreted_type, "AVOIDANCE");
  EXPECT_FALSE(empty->has_closed_contours());
}

TEST_F(dicom_read_generated, negative_gfov_and_voxels_in_every_transfer_syntax) {
  const DoseGrid original = make_dose();
  for (const char* syntax : {"implicit", "explicit", "big_endian", "rle"}) {
    const fs::path path = dir / (std::string("dose_") + syntax + ".dcm");
    ASSERT_EQ(write_dose(original, path, syntax).message(), "") << syntax;
    auto dose = read_back(path, &Inventory::doses);
    ASSERT_TRUE(dose) << syntax;
    EXPECT_EQ(dose->columns, 4) << syntax;
    EXPECT_EQ(dose->rows, 3) << syntax;
    EXPECT_EQ(dose->frames, 2) << syntax;
    EXPECT_EQ(dose->frame_offsets_mm, (std::vector<double>{0.0, -3.0})) << syntax;
    EXPECT_DOUBLE_EQ(dose->row_spacing_mm, 2.5);
    EXPECT_DOUBLE_EQ(dose->column_spacing_mm, 2.0);
    ASSERT_EQ(dose->dose.size(), 24u) << syntax;
    for (std::size_t i = 0; i < 24; ++i)
      EXPECT_NEAR(dose->dose[i], original.dose[i], 1e-6) << syntax << " " << i;
  }
}

// (The writer has no 32-bit big endian; pydicom's rtdose_expb.dcm covers that on read.)
TEST_F(dicom_read_generated, thirty_two_bit_voxels) {
  DoseGrid original = make_dose();
  original.bits_allocated = 32;
  original.dose_grid_scaling = 1e-6;
  for (std::size_t i = 0; i < original.dose.size(); ++i)
    original.dose[i] = static_cast<float>(70000 + i) * 1e-6f;
  for (const char* syntax : {"implicit", "explicit", "rle"}) {
    const fs::path path = dir / (std::string("dose32_") + syntax + ".dcm");
    ASSERT_EQ(write_dose(original, path, syntax).message(), "") << syntax;
    auto dose = read_back(path, &Inventory::doses);
    ASSERT_TRUE(dose);
    ASSERT_EQ(dose->dose.size(), original.dose.size());
    for (std::size_t i = 0; i < original.dose.size(); ++i)
      EXPECT_NEAR(dose->dose[i], original.dose[i], 1e-7) << syntax << " voxel " << i;
  }
}

TEST_F(dicom_read_generated, non_hfs_orientation_is_kept) {
  DoseGrid original = make_dose();
  original.row_direction = {-1, 0, 0};  // HFP
  original.column_direction = {0, -1, 0};
  ASSERT_EQ(write_dose(original, dir / "hfp.dcm").message(), "");
  auto dose = read_back(dir / "hfp.dcm", &Inventory::doses);
  ASSERT_TRUE(dose);
  EXPECT_EQ(dose->row_direction, (Point3{-1, 0, 0}));
  EXPECT_EQ(dose->column_direction, (Point3{0, -1, 0}));
  EXPECT_TRUE(dose->notes.empty());

  original.row_direction = {0, 1, 0};  // decubitus: rows run along y
  original.column_direction = {0, 0, -1};
  ASSERT_EQ(write_dose(original, dir / "decub.dcm").message(), "");
  dose = read_back(dir / "decub.dcm", &Inventory::doses);
  ASSERT_TRUE(dose);
  EXPECT_EQ(dose->row_direction, (Point3{0, 1, 0}));
  EXPECT_EQ(dose->column_direction, (Point3{0, 0, -1}));
}

TEST_F(dicom_read_generated, oblique_orientation_is_modelled_with_a_note) {
  DoseGrid original = make_dose();
  const double c = std::sqrt(0.5);
  original.row_direction = {c, c, 0};
  original.column_direction = {-c, c, 0};
  ASSERT_EQ(write_dose(original, dir / "oblique.dcm").message(), "");
  auto dose = read_back(dir / "oblique.dcm", &Inventory::doses);
  ASSERT_TRUE(dose);
  ASSERT_EQ(dose->notes.size(), 1u);
  EXPECT_NE(dose->notes[0].find("oblique"), std::string::npos);
}

TEST_F(dicom_read_generated, garbage_and_empty_files_are_unreadable_never_crash) {
  { std::ofstream(dir / "empty.dcm"); }
  { std::ofstream(dir / "text.dcm") << "hello, this is not DICOM\n"; }
  {
    // A DICM preamble followed by garbage.
    std::ofstream out(dir / "garbage.dcm", std::ios::binary);
    out << std::string(128, '\0') << "DICM" << std::string(40, '\xff');
  }
  ASSERT_EQ(write_plan(make_plan(), dir / "plan.dcm").message(), "");
  {
    // Cut a valid plan in half.
    std::ifstream in(dir / "plan.dcm", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "half.dcm", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  Inventory inventory = read_paths({dir});
  EXPECT_EQ(inventory.plans.size(), 1u);
  ASSERT_EQ(inventory.unreadable.size(), 4u);
  for (const auto& u : inventory.unreadable) EXPECT_FALSE(u.reason.empty()) << u.path;
  EXPECT_NE(inventory.unreadable[0].reason.find("empty file"),
            std::string::npos);  // sorted: empty, garbage, half, text
}

// A PixelData longer than ReadOptions::load_values_up_to_bytes stays in its source and is
// decoded in chunks (read_dose.cpp); every encoding must give the voxels, notes and geometry
// of the whole-value read, from a file and from memory. Truth: the same file read with the
// value loaded whole by DCMTK (the path every dose took before), and the written values.
TEST_F(dicom_read_generated, pixel_data_left_in_the_file_reads_as_when_loaded_whole) {
  std::vector<fs::path> files;
  DoseGrid dose16 = make_dose();
  DoseGrid dose32 = make_dose();
  dose32.bits_allocated = 32;
  dose32.dose_grid_scaling = 1e-6;
  for (std::size_t i = 0; i < dose32.dose.size(); ++i)
    dose32.dose[i] = static_cast<float>(70000 + 977 * i) * 1e-6f;
  for (const char* syntax : {"implicit", "explicit", "big_endian", "rle"}) {
    files.push_back(dir / (std::string("d16_") + syntax + ".dcm"));
    ASSERT_EQ(write_dose(dose16, files.back(), syntax).message(), "") << syntax;
  }
  for (const char* syntax : {"implicit", "explicit", "rle"}) {
    files.push_back(dir / (std::string("d32_") + syntax + ".dcm"));
    ASSERT_EQ(write_dose(dose32, files.back(), syntax).message(), "") << syntax;
  }
  if (auto pydicom = rtreview::test::pydicom_test_files())  // 32-bit big endian, one-frame variants
    for (const char* name : {"rtdose.dcm", "rtdose_expb.dcm", "rtdose_1frame.dcm", "rtdose_expb_1frame.dcm"})
      files.push_back(*pydicom / name);
  for (const auto& entry : fs::directory_iterator(rtreview::test::source_dir() / "dicom_samples"))
    if (entry.is_directory())
      for (const auto& file : fs::directory_iterator(entry.path()))
        if (file.path().filename().string().rfind("RD", 0) == 0) files.push_back(file.path());
  ASSERT_GE(files.size(), 10u);

  ReadOptions deferred;
  deferred.load_values_up_to_bytes = 16;  // every PixelData here is longer
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    Inventory whole, from_file, from_memory;
    read_file(path, whole);
    read_file(path, from_file, deferred);
    read_bytes(path, bytes.data(), bytes.size(), from_memory, deferred);
    ASSERT_EQ(whole.doses.size(), 1u) << path;
    for (const Inventory* other : {&from_file, &from_memory}) {
      ASSERT_EQ(other->doses.size(), 1u) << path;
      EXPECT_TRUE(other->unreadable.empty()) << path;
      const DoseGrid& a = *whole.doses[0];
      const DoseGrid& b = *other->doses[0];
      EXPECT_EQ(a.dose, b.dose) << path;  // bit for bit
      EXPECT_EQ(a.notes, b.notes) << path;
      EXPECT_EQ(a.frames, b.frames) << path;
      EXPECT_EQ(a.frame_offsets_mm, b.frame_offsets_mm) << path;
    }
  }
  // And against the written values (not only against the other path).
  for (std::size_t k = 0; k < 7; ++k) {
    Inventory inventory;
    read_file(files[k], inventory, deferred);
    ASSERT_EQ(inventory.doses.size(), 1u) << files[k];
    const DoseGrid& original = k < 4 ? dose16 : dose32;
    ASSERT_EQ(inventory.doses[0]->dose.size(), original.dose.size()) << files[k];
    for (std::size_t i = 0; i < original.dose.size(); ++i)
      EXPECT_NEAR(inventory.doses[0]->dose[i], original.dose[i], 1e-6) << files[k] << " voxel " << i;
  }
}

// A deflated file's values inflate while parsed, so none may be left in the file (it cannot
// be re-read at an inflated offset): the reader must see the deflated transfer syntax even
// when the File Meta header is long (here 3 KB of PrivateInformation pushes the UID past the
// first 2 KiB). Truth: the values written; the deflated copy is made by DCMTK's dcmconv.
TEST_F(dicom_read_generated, deflated_file_with_a_long_meta_header_keeps_its_values) {
  if (rtreview::test::run_command("dcmconv --version").exit_code != 0)
    GTEST_SKIP() << "dcmconv (dcmtk) not installed";
  DoseGrid original = make_dose();
  original.columns = 40, original.rows = 30, original.frames = 2;
  original.dose.clear();
  for (int i = 0; i < 2400; ++i) original.dose.push_back(static_cast<float>((i * 7919) % 4001) * 0.001f);
  const fs::path plain = dir / "plain.dcm", deflated = dir / "deflated.dcm", forged = dir / "long_meta.dcm";
  ASSERT_EQ(write_dose(original, plain, "explicit").message(), "");
  ASSERT_EQ(rtreview::test::run_command("dcmconv +td '" + plain.string() + "' '" + deflated.string() + "'")
                .exit_code,
            0);

  // Preamble, "DICM", (0002,0000) UL 4 <group length>, then (0002,0001) OB (2 reserved bytes,
  // a 4-byte length, its value), the rest of the group and the deflated data set. The forgery
  // lengthens (0002,0001)'s value by 3000 bytes, which puts the TransferSyntaxUID after it.
  std::ifstream in(deflated, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto u32_at = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
      v = v << 8 | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    return v;
  };
  auto u32_bytes = [](std::uint32_t v) {
    std::string b;
    for (int i = 0; i < 4; ++i) b += static_cast<char>((v >> (8 * i)) & 0xFF);
    return b;
  };
  ASSERT_GT(bytes.size(), 160u);
  ASSERT_EQ(bytes.compare(128, 4, "DICM"), 0);
  ASSERT_EQ(bytes.compare(144, 6, std::string("\x02\x00\x01\x00OB", 6)), 0);
  const std::uint32_t group = u32_at(140), version_length = u32_at(152);
  const std::uint32_t extra = 3000;
  std::string out = bytes.substr(0, 140) + u32_bytes(group + extra) + bytes.substr(144, 8) +
                    u32_bytes(version_length + extra) + bytes.substr(156, version_length) +
                    std::string(extra, '\0') + bytes.substr(156 + version_length);
  std::ofstream(forged, std::ios::binary) << out;
  ASSERT_GT(out.find("1.2.840.10008.1.2.1.99"), 2048u);  // the UID is past the first 2 KiB

  ReadOptions deferred;
  deferred.load_values_up_to_bytes = 16;  // would leave PixelData in the file were it plain
  Inventory from_file, from_memory;
  read_file(forged, from_file, deferred);
  read_bytes(forged, reinterpret_cast<const std::uint8_t*>(out.data()), out.size(), from_memory, deferred);
  for (const Inventory* inventory : {&from_file, &from_memory}) {
    ASSERT_TRUE(inventory->unreadable.empty()) << inventory->unreadable[0].reason;
    ASSERT_EQ(inventory->doses.size(), 1u);
    const DoseGrid& dose = *inventory->doses[0];
    ASSERT_EQ(dose.dose.size(), original.dose.size());
    for (std::size_t i = 0; i < original.dose.size(); ++i)
      ASSERT_NEAR(dose.dose[i], original.dose[i], 1e-6) << "voxel " << i;
  }
}
