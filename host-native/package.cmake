# The CMake package: `find_package(otlp_portable CONFIG REQUIRED)` then link
#   otlp::core    the core alone (standard library only)
#   otlp::native  core + the native host: SDK (sdk.hpp), OTEL_* configuration, transports, worker
# Headers install to include/otlp (core) and include/otlp/native (native host).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Public headers of the native host. A new transport adds its header here (and its package
# dependency to cmake/otlp_portableConfig.cmake.in).
set(OTLP_NATIVE_PUBLIC_HEADERS
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/config.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/console_transport.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/grpc_transport.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/http_transport.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/loop_transport.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/propagators.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/sdk.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/tsc_clock.hpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sdk/worker.hpp)
set(OTLP_NATIVE_PACKAGE_TARGETS otlp_native otlp_native_config otlp_native_clock otlp_native_sdk)

# The native libraries name sdk/ as include path; installed, it is
# include/otlp/native.
set_property(TARGET ${OTLP_NATIVE_PACKAGE_TARGETS} PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  "$<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/sdk>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/otlp/native>")
set_target_properties(otlp_core PROPERTIES EXPORT_NAME core)
set_target_properties(otlp_native PROPERTIES EXPORT_NAME native_transport)
set_target_properties(otlp_native_config PROPERTIES EXPORT_NAME native_config)
set_target_properties(otlp_native_clock PROPERTIES EXPORT_NAME native_clock)
set_target_properties(otlp_native_sdk PROPERTIES EXPORT_NAME native_sdk)

# otlp::native: everything a native application links, in one name.
add_library(otlp_native_package INTERFACE)
set_target_properties(otlp_native_package PROPERTIES EXPORT_NAME native)
target_link_libraries(otlp_native_package INTERFACE otlp_native_sdk)
add_library(otlp::native ALIAS otlp_native_package)

install(TARGETS otlp_core ${OTLP_NATIVE_PACKAGE_TARGETS} otlp_native_package EXPORT otlp_portable_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS otlp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/otlp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${OTLP_NATIVE_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/otlp/native)

set(OTLP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/otlp_portable)
install(EXPORT otlp_portable_targets NAMESPACE otlp:: FILE otlp_portableTargets.cmake DESTINATION ${OTLP_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/otlp_portableConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/otlp_portableConfig.cmake INSTALL_DESTINATION ${OTLP_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/otlp_portableConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/otlp_portableConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/otlp_portableConfigVersion.cmake DESTINATION ${OTLP_CMAKE_DIR})
