;; The byte search behind run-marks.ts, sixteen bytes a step with Wasm SIMD.
;; scan(p, len, out) looks at bytes [p, p + len) and writes, in order, the offset (from p) of
;; every byte that is a backslash, a control character other than \n, or the first byte of a
;; secret needle ("K", "J", "/", "xox", "gh", "pat": NEEDLES in src/secrets.ts), as u32 at out;
;; it returns how many. The three bytes after the range must be readable (the caller pads them
;; with zeros), since each step also looks one and two bytes ahead for the longer needles.
(module
  (memory (export "memory") 1)
  (func (export "scan") (param $p i32) (param $len i32) (param $out i32) (result i32)
    (local $end i32) (local $i i32) (local $n i32) (local $m i32) (local $at i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $hit v128)
    ;; The bytes compared against, splatted once rather than in every step.
    (local $bs v128) (local $sp v128) (local $nl v128) (local $K v128) (local $J v128) (local $sl v128) (local $g v128) (local $h v128) (local $x v128) (local $o v128) (local $p_ v128) (local $a v128) (local $t v128)
    (local.set $bs (i8x16.splat (i32.const 92)))
    (local.set $sp (i8x16.splat (i32.const 32)))
    (local.set $nl (i8x16.splat (i32.const 10)))
    (local.set $K (i8x16.splat (i32.const 75)))
    (local.set $J (i8x16.splat (i32.const 74)))
    (local.set $sl (i8x16.splat (i32.const 47)))
    (local.set $g (i8x16.splat (i32.const 103)))
    (local.set $h (i8x16.splat (i32.const 104)))
    (local.set $x (i8x16.splat (i32.const 120)))
    (local.set $o (i8x16.splat (i32.const 111)))
    (local.set $p_ (i8x16.splat (i32.const 112)))
    (local.set $a (i8x16.splat (i32.const 97)))
    (local.set $t (i8x16.splat (i32.const 116)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $i (local.get $p))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v0 (v128.load (local.get $i)))
        (local.set $v1 (v128.load offset=1 (local.get $i)))
        (local.set $v2 (v128.load offset=2 (local.get $i)))
        (local.set $hit
          (v128.or
            (v128.or
              (v128.or
                (i8x16.eq (local.get $v0) (local.get $bs))
                (v128.and
                  (i8x16.lt_u (local.get $v0) (local.get $sp))
                  (i8x16.ne (local.get $v0) (local.get $nl))))
              (v128.or
                (i8x16.eq (local.get $v0) (local.get $K))
                (v128.or
                  (i8x16.eq (local.get $v0) (local.get $J))
                  (i8x16.eq (local.get $v0) (local.get $sl)))))
            (v128.or
              (v128.and
                (i8x16.eq (local.get $v0) (local.get $g))
                (i8x16.eq (local.get $v1) (local.get $h)))
              (v128.or
                (v128.and
                  (v128.and
                    (i8x16.eq (local.get $v0) (local.get $x))
                    (i8x16.eq (local.get $v1) (local.get $o)))
                  (i8x16.eq (local.get $v2) (local.get $x)))
                (v128.and
                  (v128.and
                    (i8x16.eq (local.get $v0) (local.get $p_))
                    (i8x16.eq (local.get $v1) (local.get $a)))
                  (i8x16.eq (local.get $v2) (local.get $t)))))))
        (if (v128.any_true (local.get $hit))
          (then
            (local.set $m (i8x16.bitmask (local.get $hit)))
            (loop $bits
              (local.set $at (i32.add (local.get $i) (i32.ctz (local.get $m))))
              (if (i32.lt_u (local.get $at) (local.get $end))
                (then
                  (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.sub (local.get $at) (local.get $p)))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br_if $bits (local.get $m)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step)))
    (local.get $n)))
