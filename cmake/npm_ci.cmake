# otlp_npm_ci(DIR WHAT): `npm ci` in DIR at configure time when its node_modules is missing or
# older than its package-lock.json, so ctest run by hand after configuring has nothing left to
# install. WHAT names what the packages are for, in the message and the error.
function(otlp_npm_ci dir what)
  if(NOT EXISTS ${dir}/node_modules/.package-lock.json OR
     ${dir}/package-lock.json IS_NEWER_THAN ${dir}/node_modules/.package-lock.json)
    find_program(NPM npm REQUIRED)
    file(RELATIVE_PATH name ${PROJECT_SOURCE_DIR} ${dir})
    message(STATUS "${name}: npm ci (${what})")
    execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
      WORKING_DIRECTORY ${dir} RESULT_VARIABLE npm_status)
    if(NOT npm_status EQUAL 0)
      message(FATAL_ERROR "npm ci in ${dir} failed (${npm_status}); it installs ${what}")
    endif()
  endif()
endfunction()
