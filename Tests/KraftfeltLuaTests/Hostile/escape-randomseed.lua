-- expect: runtime
-- message: attempt to call a nil value (field 'randomseed')
math.randomseed(os.time())
