-- expect: runtime
-- message: escape-io.lua:3: attempt to index a nil value (global 'io')
return io.open("/etc/passwd"):read("a")
