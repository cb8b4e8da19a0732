# cmake -DINPUT=file -DOUTPUT=file.cpp -DFUNCTION=name -DHEADER=include -DNAMESPACE=ns -P embed_text.cmake
# Writes OUTPUT: `const char* FUNCTION()` in NAMESPACE returning INPUT's text as a raw string
# literal, so a script stays a real, lintable file and is still compiled into the binary.
file(READ "${INPUT}" text)
set(delimiter "EMBED")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string end )${delimiter}\"")
endif()
set(content "// Generated from ${INPUT} by cmake/embed_text.cmake: edit that file, not this one.\n")
string(APPEND content "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND content "const char* ${FUNCTION}() {\n  return R\"${delimiter}(${text})${delimiter}\";\n}\n\n")
string(APPEND content "}  // namespace ${NAMESPACE}\n")
# Rewritten only when it changes, so an unchanged script does not rebuild the module.
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
