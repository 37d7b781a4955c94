-- expect: runtime
-- message: coroutine.yield was called outside a coroutine
coroutine.yield("escape")
