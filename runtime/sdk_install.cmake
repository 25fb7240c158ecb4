# The task SDK as an installable library (included by runtime/CMakeLists.txt):
#   cmake --install BUILD --prefix PREFIX --component sdk
# puts there
#   include/cloudcron.h                      the public header (self-contained)
#   lib/libcloudcron.a                       the SDK: cc_runtime, cc_schedule and cc_lib in one archive
#   lib/libcloudcron.so*                     with -DCC_SDK_SHARED=ON, the same as a shared library
#                                            exporting only cloudcron_* and cc_strerror
#   lib/pkgconfig/cloudcron.pc               for pkg-config
#   lib/cmake/cloudcron/                     for find_package(cloudcron): cloudcron::cloudcron
#                                            (static) and, when built, cloudcron::shared
# libcurl and libcrypto are opened with dlopen at the first AWS call, so
# neither is a link dependency; jansson is (the header uses its types).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
option(CC_SDK_SHARED "Also build and install the task SDK as a shared library" OFF)

# One archive from the objects already built for cc_runtime, cc_schedule (the
# SDK checks schedule expressions before any call) and cc_lib, so
# what is installed is exactly what the in-tree tasks and tests link.
set_target_properties(cc_runtime cc_schedule cc_lib PROPERTIES POSITION_INDEPENDENT_CODE ON)
add_library(cloudcron_sdk STATIC $<TARGET_OBJECTS:cc_runtime> $<TARGET_OBJECTS:cc_schedule> $<TARGET_OBJECTS:cc_lib>)
set_target_properties(cloudcron_sdk PROPERTIES OUTPUT_NAME cloudcron EXPORT_NAME cloudcron
  PUBLIC_HEADER ${CMAKE_CURRENT_SOURCE_DIR}/include/cloudcron.h)
target_include_directories(cloudcron_sdk PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(cloudcron_sdk PUBLIC PkgConfig::JANSSON ${CMAKE_DL_LIBS} Threads::Threads m)
add_library(cloudcron::cloudcron ALIAS cloudcron_sdk)
set(_cc_sdk_targets cloudcron_sdk)

if(CC_SDK_SHARED)
  add_library(cloudcron_sdk_shared SHARED $<TARGET_OBJECTS:cc_runtime> $<TARGET_OBJECTS:cc_schedule> $<TARGET_OBJECTS:cc_lib>)
  set_target_properties(cloudcron_sdk_shared PROPERTIES OUTPUT_NAME cloudcron EXPORT_NAME shared
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)
  target_include_directories(cloudcron_sdk_shared PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(cloudcron_sdk_shared PUBLIC PkgConfig::JANSSON
    PRIVATE ${CMAKE_DL_LIBS} Threads::Threads m)
  target_link_options(cloudcron_sdk_shared PRIVATE
    -Wl,--version-script=${CMAKE_CURRENT_SOURCE_DIR}/sdk_exports.map)
  set_property(TARGET cloudcron_sdk_shared APPEND PROPERTY LINK_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/sdk_exports.map)
  add_library(cloudcron::shared ALIAS cloudcron_sdk_shared)
  list(APPEND _cc_sdk_targets cloudcron_sdk_shared)
endif()

install(TARGETS ${_cc_sdk_targets} EXPORT cloudcronTargets COMPONENT sdk
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cloudcronTargets NAMESPACE cloudcron:: COMPONENT sdk
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cloudcron)
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cloudcronConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/cloudcronConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cloudcron)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cloudcronConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cloudcronConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cloudcronConfigVersion.cmake
  COMPONENT sdk DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cloudcron)
# pkg-config: the paths are written relative to the .pc file's place
# (${pcfiledir}), so the installed tree can be moved or copied into an image.
file(RELATIVE_PATH _cc_pc_up /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cloudcron.pc.in ${CMAKE_CURRENT_BINARY_DIR}/cloudcron.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cloudcron.pc COMPONENT sdk
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
