# Runs one libFuzzer harness for a fixed budget (ctest label fuzz; scripts/fuzz with more time).
# -D HARNESS=<executable> NAME=<fuzz_x> SOURCE_DIR=<repo> WORK_DIR=<build>/fuzz SECONDS=<n>
# The corpus starts fresh each run (in the build tree, never in the project) from the project's
# seed files; ../shared/corpus is added when present. Crashes are written to WORK_DIR/NAME/ and
# the run fails: move the input into tests/fuzz/regressions/NAME/ with the fix.
set(out ${WORK_DIR}/${NAME})
file(REMOVE_RECURSE ${out}/corpus)
file(MAKE_DIRECTORY ${out}/corpus)
set(seeds)
set(options)
get_filename_component(shared_corpus ${SOURCE_DIR}/../shared/corpus ABSOLUTE)
if(NAME STREQUAL "fuzz_dicom_object")
  list(APPEND seeds ${SOURCE_DIR}/dicom_samples)
  if(IS_DIRECTORY ${shared_corpus})
    list(APPEND seeds ${shared_corpus})
  endif()
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/dicom.dict -max_len=16384)
elseif(NAME STREQUAL "fuzz_plan_triple")
  # No seed files: the harness starts from its built-in triple. One input runs read, assemble,
  # checks and DVHs, some 13,000 features: the entropic scheduler's per-feature bookkeeping
  # (InputCorpus::UpdateFeatureFrequency) took more time than the input itself, so it is off
  # here (measured: 150 -> 330 exec/s on the shared machine).
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/dicom.dict -max_len=16384 -entropic=0)
elseif(NAME STREQUAL "fuzz_ruleset")
  list(APPEND seeds ${SOURCE_DIR}/rulesets)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/xml.dict -max_len=32768)
elseif(NAME STREQUAL "fuzz_case_file")
  file(GLOB sample_cases ${SOURCE_DIR}/dicom_samples/*/case.xml)
  foreach(case_file ${sample_cases})
    get_filename_component(set_dir ${case_file} DIRECTORY)
    get_filename_component(set_name ${set_dir} NAME)
    file(COPY_FILE ${case_file} ${out}/corpus/${set_name}-case.xml)
  endforeach()
  list(APPEND seeds ${SOURCE_DIR}/tests/policy_cases ${SOURCE_DIR}/tests/unit/policy_fixtures)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/xml.dict -max_len=16384)
elseif(NAME STREQUAL "fuzz_serve_request")
  list(APPEND seeds ${SOURCE_DIR}/tests/fuzz/seeds/fuzz_serve_request)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/json.dict -max_len=16384)
elseif(NAME STREQUAL "fuzz_listen_association")
  # Whole sessions of real peers (make_listen_seeds.py); storescu's A-ASSOCIATE-RQ alone, with
  # its hundred-odd presentation contexts, is some 9 KB.
  list(APPEND seeds ${SOURCE_DIR}/tests/fuzz/seeds/fuzz_listen_association)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/dicom.dict -max_len=65536)
elseif(NAME STREQUAL "fuzz_dicom_dictionary")
  list(APPEND seeds ${SOURCE_DIR}/tests/fuzz/seeds/fuzz_dicom_dictionary)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/dictionary_text.dict -max_len=4096)
elseif(NAME STREQUAL "fuzz_upload_archive")
  list(APPEND seeds ${SOURCE_DIR}/tests/fuzz/seeds/fuzz_upload_archive)
  list(APPEND options -dict=${SOURCE_DIR}/tests/fuzz/zip.dict -max_len=8192)
endif()
# The system-library leaks we cannot fix (tests/lsan.supp), as for every other ctest.
set(ENV{LSAN_OPTIONS} "suppressions=${SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
execute_process(
  COMMAND ${HARNESS} -max_total_time=${SECONDS} -print_final_stats=1 -timeout=25 -rss_limit_mb=2560
          -artifact_prefix=${out}/ ${options} ${out}/corpus ${seeds}
  WORKING_DIRECTORY ${out}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${NAME}: libFuzzer exited with ${result}; the failing input is in ${out}/")
endif()
