# Debian bookworm packages only (scripts/install-deps.sh). Boost must be exactly 1.81:
# the unversioned libboost-dev is 1.74 and lacks what this project uses.
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json log log_setup url)
if(NOT Boost_VERSION VERSION_EQUAL 1.81.0)
  message(FATAL_ERROR "Boost 1.81.0 is required, found ${Boost_VERSION}. "
                      "Install libboost1.81-dev (never the unversioned libboost-dev).")
endif()
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)  # libpq (Debian libpq-dev): the shared store of replicas
find_package(Threads REQUIRED)
# The command line (src/app/): libcli11-dev, header-only, 2.1.2 in bookworm.
find_package(CLI11 2.1 CONFIG REQUIRED)
