-- expect: runtime
-- message: attempt to index a nil value (global 'io')
-- Chunks from load() get the script's own environment, not the real globals.
return load("return io.open('/etc/passwd')")()
