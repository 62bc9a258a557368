# Finds the Debian-packaged dependencies and gives SOCI the imported targets that it
# does not ship itself (Debian's libsoci-dev has no CMake config and no .pc file).
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost REQUIRED)  # soci-config.h includes Boost headers.
find_package(nlohmann_json CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo cairo-pdf)
# CBC (COIN-OR branch and cut) solves the assignment plan's integer program.
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc)
# PLplot draws the annual report's charts into the PDF through its Cairo driver.
pkg_check_modules(PLPLOT REQUIRED IMPORTED_TARGET plplot)
# libsodium: random API key secrets and their keyed BLAKE2b hashes.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(ICAL REQUIRED IMPORTED_TARGET libical)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# E-mail delivery: libcurl's SMTP client and MIME API (libcurl4-openssl-dev).
find_package(CURL REQUIRED)
find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)

find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_PG_LIB soci_postgresql REQUIRED)
find_library(SOCI_SQLITE_LIB soci_sqlite3 REQUIRED)

add_library(SOCI::core UNKNOWN IMPORTED)
set_target_properties(SOCI::core PROPERTIES
  IMPORTED_LOCATION "${SOCI_CORE_LIB}"
  INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "Boost::headers;${CMAKE_DL_LIBS}")
add_library(SOCI::postgresql UNKNOWN IMPORTED)
set_target_properties(SOCI::postgresql PROPERTIES
  IMPORTED_LOCATION "${SOCI_PG_LIB}"
  INTERFACE_LINK_LIBRARIES "SOCI::core;PostgreSQL::PostgreSQL")
add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
set_target_properties(SOCI::sqlite3 PROPERTIES
  IMPORTED_LOCATION "${SOCI_SQLITE_LIB}"
  INTERFACE_LINK_LIBRARIES "SOCI::core;SQLite::SQLite3")

# google.rpc.Status and google.rpc.BadRequest, and the google.api annotations
# the API's protos carry (field_behavior, resource, and http for the HTTP/JSON
# routes): Debian packages googleapis' common protos only inside
# libgoogle-common-protos-java's jar; the .proto files are taken from there (a
# jar is a zip file) rather than copied into this repository.
set(KOKEMUS_GOOGLEAPIS_JAR "/usr/share/java/proto-google-common-protos.jar"
    CACHE FILEPATH "Jar that carries googleapis' google/rpc/*.proto")
if(NOT EXISTS "${KOKEMUS_GOOGLEAPIS_JAR}")
  file(GLOB _jars "/usr/share/java/proto-google-common-protos*.jar")
  list(GET _jars 0 KOKEMUS_GOOGLEAPIS_JAR)
endif()
set(KOKEMUS_GOOGLEAPIS_DIR "${CMAKE_BINARY_DIR}/googleapis")
if(NOT EXISTS "${KOKEMUS_GOOGLEAPIS_DIR}/google/api/annotations.proto")
  file(MAKE_DIRECTORY "${KOKEMUS_GOOGLEAPIS_DIR}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E tar xf "${KOKEMUS_GOOGLEAPIS_JAR}"
            google/rpc/status.proto google/rpc/error_details.proto
            google/api/field_behavior.proto google/api/resource.proto
            google/api/http.proto google/api/annotations.proto
    WORKING_DIRECTORY "${KOKEMUS_GOOGLEAPIS_DIR}"
    RESULT_VARIABLE _untar)
  if(NOT _untar EQUAL 0)
    message(FATAL_ERROR "Cannot extract googleapis protos from ${KOKEMUS_GOOGLEAPIS_JAR}")
  endif()
endif()
