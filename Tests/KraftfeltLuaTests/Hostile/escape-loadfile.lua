-- expect: runtime
-- message: attempt to call a nil value (global 'loadfile')
return loadfile("/etc/passwd")
