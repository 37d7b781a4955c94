-- expect: runtime
-- message: attempt to index a nil value (global 'debug')
return debug.getregistry()
