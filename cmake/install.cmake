# `cmake --install`: what an embedder needs and nothing more.
#
#   include/warrant/warrant.h          the public API (it includes no runtime header)
#   lib/libwarrant.a                   the runtime (core .. explain) and the API, as one archive
#   lib/cmake/Warrant/                 find_package(Warrant) -> the imported target Warrant::engine
#   lib/pkgconfig/warrant.pc           pkg-config --cflags --libs warrant
#
# One archive rather than one per layer: the layers are internal, so an embedder links one
# library whose only header is the API's. Its dependencies (fmt, simdjson, OpenSSL's libcrypto,
# threads) are found again by the package config (find_dependency) and named by warrant.pc.
# The CLI is installed by compiler/CMakeLists.txt.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(warrant_archive_parts warrant_api warrant_explain warrant_engine warrant_vm warrant_pack
                          warrant_records warrant_terminology warrant_core)
set(warrant_archive ${PROJECT_BINARY_DIR}/libwarrant.a)
set(warrant_mri "CREATE ${warrant_archive}\n")
foreach(part IN LISTS warrant_archive_parts)
  string(APPEND warrant_mri "ADDLIB $<TARGET_FILE:${part}>\n")
endforeach()
string(APPEND warrant_mri "SAVE\nEND\n")
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/libwarrant.mri CONTENT "${warrant_mri}")
set(warrant_archive_files)
foreach(part IN LISTS warrant_archive_parts)
  list(APPEND warrant_archive_files $<TARGET_FILE:${part}>)
endforeach()
add_custom_command(OUTPUT ${warrant_archive}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${warrant_archive}
  COMMAND sh -c "'${CMAKE_AR}' -M < '${PROJECT_BINARY_DIR}/libwarrant.mri'"
  DEPENDS ${warrant_archive_parts} ${warrant_archive_files} ${PROJECT_BINARY_DIR}/libwarrant.mri
  COMMENT "Joining the runtime libraries into libwarrant.a"
  VERBATIM)
add_custom_target(warrant_archive ALL DEPENDS ${warrant_archive})

install(FILES include/warrant/warrant.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/warrant)
install(FILES ${warrant_archive} DESTINATION ${CMAKE_INSTALL_LIBDIR})

set(WARRANT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Warrant)
configure_package_config_file(cmake/WarrantConfig.cmake.in
  ${PROJECT_BINARY_DIR}/WarrantConfig.cmake
  INSTALL_DESTINATION ${WARRANT_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/WarrantConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/WarrantConfig.cmake ${PROJECT_BINARY_DIR}/WarrantConfigVersion.cmake
        DESTINATION ${WARRANT_CMAKE_DIR})

# warrant.pc locates itself (${pcfiledir}), so it is right under any --prefix.
file(RELATIVE_PATH warrant_pc_to_prefix ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" warrant_pc_to_prefix "${warrant_pc_to_prefix}")
configure_file(cmake/warrant.pc.in ${PROJECT_BINARY_DIR}/warrant.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/warrant.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
