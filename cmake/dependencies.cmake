# Every dependency comes from a Debian 12 package (see scripts/install-deps).
find_package(Threads REQUIRED)

# CAF 0.17: Debian ships neither a CMake config nor a pkg-config file.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
  INTERFACE_LINK_LIBRARIES caf::core)

# libpqxx 6.4 and libpq.
find_path(PQXX_INCLUDE_DIR pqxx/pqxx REQUIRED)
find_library(PQXX_LIBRARY NAMES pqxx-6.4 pqxx REQUIRED)
find_library(PQ_LIBRARY pq REQUIRED)
add_library(pqxx::pqxx UNKNOWN IMPORTED)
set_target_properties(pqxx::pqxx PROPERTIES
  IMPORTED_LOCATION "${PQXX_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PQXX_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${PQ_LIBRARY}")

# librdkafka (C API; its mock cluster serves as the embedded Kafka).
find_path(RDKAFKA_INCLUDE_DIR librdkafka/rdkafka.h REQUIRED)
find_library(RDKAFKA_LIBRARY rdkafka REQUIRED)
add_library(rdkafka::rdkafka UNKNOWN IMPORTED)
set_target_properties(rdkafka::rdkafka PROPERTIES
  IMPORTED_LOCATION "${RDKAFKA_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${RDKAFKA_INCLUDE_DIR}")

# libjwt and libsodium (tokens and argon2id password hashes).
find_path(JWT_INCLUDE_DIR jwt.h REQUIRED)
find_library(JWT_LIBRARY jwt REQUIRED)
add_library(jwt::jwt UNKNOWN IMPORTED)
set_target_properties(jwt::jwt PROPERTIES
  IMPORTED_LOCATION "${JWT_LIBRARY}" INTERFACE_INCLUDE_DIRECTORIES "${JWT_INCLUDE_DIR}")
find_path(SODIUM_INCLUDE_DIR sodium.h REQUIRED)
find_library(SODIUM_LIBRARY sodium REQUIRED)
add_library(sodium::sodium UNKNOWN IMPORTED)
set_target_properties(sodium::sodium PROPERTIES
  IMPORTED_LOCATION "${SODIUM_LIBRARY}" INTERFACE_INCLUDE_DIRECTORIES "${SODIUM_INCLUDE_DIR}")

find_package(spdlog REQUIRED CONFIG)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(Boost 1.74 REQUIRED)
# OpenSSL: TLS of the HTTP and WebSocket port ([http] tls-cert).
find_package(OpenSSL REQUIRED)
find_package(benchmark CONFIG)

# libcurl and gumbo (URL previews: fetching pages, parsing their HTML).
find_package(CURL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(gumbo REQUIRED IMPORTED_TARGET gumbo)
