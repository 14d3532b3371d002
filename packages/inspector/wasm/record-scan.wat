;; The record fast path's scan (src/record-scan.ts, `RecordScan.scan`) over bytes in this
;; module's memory, for src/wasm-scan.ts. It answers 1 only where the JS scan would answer
;; true, with the same values and key digests; 0 means "not sure": the JS scan then decides.
;; So what it leaves out (numbers past 15 digits or 10^±22, datetimes of another shape, enums
;; on numbers and booleans) only costs time. Type and kind numbers are those of scan-fields.ts.
;;
;; Memory: [0, 256) unused; [256, 264) the key digest seeds (keys.ts); [264, 65536) collection
;; layouts written by the JS side; then what `scanRun` writes per line, and after it the run of
;; lines being checked, followed by 32 readable bytes (SIMD reads look up to 15 bytes past a
;; range). wasm-scan.ts places the last two.
;;
;; V8 does not inline Wasm calls; the build (scripts/wasm-compile.mjs) inlines the helpers with
;; binaryen, and a few small ones are written out in place here as well.
;;
;; A collection's layout at $c (i32 each): +0 fields, +4 primary key field, +8 required fields
;; (not the key), +12 scan number, +16 field table, +20 order, +24 seen, +28 kind, +32 start,
;; +36 end, +40 num (f64), +44 key fields, +48 their field numbers (-1: not a schema field),
;; +52 their digests (present, hi, lo; as `KeyRecorder.addScanned` makes them), +56 1 when
;; a field name holds a secret needle (so every record may: `stringEnd`). A field's
;; entry (32 bytes): +0 type, +4 required (not the key), +8 maxLength (-1 none), +12 has an
;; enum, +16 enum strings ([len][bytes, 4-aligned] each), +20 their count, +24 name bytes, +28
;; name length (-1: no byte form, never matched).
(module
  (memory (export "memory") 2)

  ;; A secret needle was seen in the record being scanned: in a string value (`stringEnd`) or
  ;; in a field name (+56 of the layout).
  (global $needle (mut i32) (i32.const 0))

  ;; The record being scanned was refused where the JS scan might still take it (what this scan
  ;; leaves out: long numbers, datetimes of another shape, enums on numbers and booleans, keys
  ;; it cannot match); every other refusal is one the JS scan would make too.
  (global $unsure (mut i32) (i32.const 0))

  ;; How many lines of the last `scanRun` are listed as the JS side's to look at.
  (global $exceptions (export "exceptions") (mut i32) (i32.const 0))

  ;; JSON whitespace but the line feed (space, tab, CR): `scan` reads a record up to its line's
  ;; end, which only it and the line feed after it may tell.
  (func $skipWs (param $i i32) (param $to i32) (result i32)
    (local $ch i32)
    (block $out
      (loop $next
        (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $ch (i32.load8_u (local.get $i)))
        (br_if $out
          (i32.and
            (i32.and (i32.ne (local.get $ch) (i32.const 32)) (i32.ne (local.get $ch) (i32.const 9)))
            (i32.ne (local.get $ch) (i32.const 13))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; Are the $n bytes at $a those at $b?
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $differ
      (loop $words
        (if (i32.ge_s (local.get $n) (i32.const 8))
          (then
            (br_if $differ (i64.ne (i64.load (local.get $a)) (i64.load (local.get $b))))
            (local.set $a (i32.add (local.get $a) (i32.const 8)))
            (local.set $b (i32.add (local.get $b) (i32.const 8)))
            (local.set $n (i32.sub (local.get $n) (i32.const 8)))
            (br $words))))
      (loop $bytes
        (if (i32.gt_s (local.get $n) (i32.const 0))
          (then
            (br_if $differ (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $bytes))))
      (return (i32.const 1)))
    (i32.const 0))

  ;; The first quote in [$i, $to), or -1; sixteen bytes a step.
  (func $quote (param $i i32) (param $to i32) (result i32)
    (local $m i32) (local $q v128)
    (local.set $q (i8x16.splat (i32.const 34)))
    (block $none
      (loop $step
        (br_if $none (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (local.get $q))))
        (if (local.get $m)
          (then
            (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (br_if $none (i32.ge_s (local.get $i) (local.get $to)))
            (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step)))
    (i32.const -1))

  ;; Sixteen bytes at once: 0xFF where a byte is an ASCII digit.
  (func $digits (param $v v128) (result v128)
    (i8x16.lt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10))))

  ;; Sixteen bytes at once: 0xFF where a byte is a hex digit of either case.
  (func $hexes (param $v v128) (result v128)
    (v128.or
      (call $digits (local.get $v))
      (i8x16.lt_u (i8x16.sub (v128.or (local.get $v) (i8x16.splat (i32.const 32))) (i8x16.splat (i32.const 97))) (i8x16.splat (i32.const 6)))))

  ;; `isUuidAt` of the 36 bytes at $p: 8-4-4-4-12 hex digits, in three (overlapping) loads; each
  ;; place is a dash where the mask says so and a hex digit elsewhere.
  (func $isUuid (param $p i32) (result i32)
    (local $v v128) (local $dash v128)
    (local.set $dash (i8x16.splat (i32.const 45)))
    (local.set $v (v128.load (local.get $p)))
    (if (i32.eqz (i8x16.all_true (v128.bitselect (i8x16.eq (local.get $v) (local.get $dash)) (call $hexes (local.get $v))
          (v128.const i8x16 0 0 0 0 0 0 0 0 -1 0 0 0 0 -1 0 0))))
      (then (return (i32.const 0))))
    (local.set $v (v128.load offset=16 (local.get $p)))
    (if (i32.eqz (i8x16.all_true (v128.bitselect (i8x16.eq (local.get $v) (local.get $dash)) (call $hexes (local.get $v))
          (v128.const i8x16 0 0 -1 0 0 0 0 -1 0 0 0 0 0 0 0 0))))
      (then (return (i32.const 0))))
    (local.set $v (v128.load offset=20 (local.get $p)))
    (i8x16.all_true (v128.bitselect (i8x16.eq (local.get $v) (local.get $dash)) (call $hexes (local.get $v))
      (v128.const i8x16 0 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0))))

  ;; The two digits at $p as a number (both are digits: checked before).
  (func $two (param $p i32) (result i32)
    (i32.add (i32.mul (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 10)) (i32.sub (i32.load8_u offset=1 (local.get $p)) (i32.const 48))))

  ;; `isDatetimeShapeAt` of the $len bytes at $p: "YYYY-MM-DDTHH:MM:SS.sssZ" (the separators
  ;; where the mask says, digits elsewhere, in two overlapping loads), then the ranges.
  (func $isDatetimeShape (param $p i32) (param $len i32) (result i32)
    (local $v v128) (local $mo i32) (local $d i32) (local $h i32) (local $mi i32) (local $s i32)
    (if (i32.ne (local.get $len) (i32.const 24)) (then (return (i32.const 0))))
    (local.set $v (v128.load (local.get $p)))
    (if (i32.eqz (i8x16.all_true (v128.bitselect
          (i8x16.eq (local.get $v) (v128.const i8x16 0 0 0 0 45 0 0 45 0 0 84 0 0 58 0 0))
          (call $digits (local.get $v))
          (v128.const i8x16 0 0 0 0 -1 0 0 -1 0 0 -1 0 0 -1 0 0))))
      (then (return (i32.const 0))))
    (local.set $v (v128.load offset=8 (local.get $p)))
    (if (i32.eqz (i8x16.all_true (v128.bitselect
          (i8x16.eq (local.get $v) (v128.const i8x16 0 0 84 0 0 58 0 0 58 0 0 46 0 0 0 90))
          (call $digits (local.get $v))
          (v128.const i8x16 0 0 -1 0 0 -1 0 0 -1 0 0 -1 0 0 0 -1))))
      (then (return (i32.const 0))))
    (local.set $mo (call $two (i32.add (local.get $p) (i32.const 5))))
    (local.set $d (call $two (i32.add (local.get $p) (i32.const 8))))
    (local.set $h (call $two (i32.add (local.get $p) (i32.const 11))))
    (local.set $mi (call $two (i32.add (local.get $p) (i32.const 14))))
    (local.set $s (call $two (i32.add (local.get $p) (i32.const 17))))
    (if (i32.or
          (i32.gt_u (i32.sub (local.get $mo) (i32.const 1)) (i32.const 11))
          (i32.gt_u (i32.sub (local.get $d) (i32.const 1)) (i32.const 30)))
      (then (return (i32.const 0))))
    (if (i32.eq (local.get $h) (i32.const 24))
      ;; 24:00:00.000 only: the milliseconds' three digits are "000".
      (then
        (return
          (i32.and
            (i32.eqz (i32.or (local.get $mi) (local.get $s)))
            (i32.eq (i32.and (i32.load offset=20 (local.get $p)) (i32.const 0xFFFFFF)) (i32.const 0x303030))))))
    (i32.and
      (i32.and (i32.lt_u (local.get $h) (i32.const 24)) (i32.lt_u (local.get $mi) (i32.const 60)))
      (i32.lt_u (local.get $s) (i32.const 60))))

  ;; Code points in the valid UTF-8 at [$p, $p + $len): the bytes that do not continue one.
  (func $codePoints (param $p i32) (param $len i32) (result i32)
    (local $end i32) (local $n i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $out
      (loop $next
        (br_if $out (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $n (i32.add (local.get $n)
          (i32.ne (i32.and (i32.load8_u (local.get $p)) (i32.const 192)) (i32.const 128))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; `lengthAndEnumOk` for field entry $fe and the string bytes [$p, $p + $len).
  (func $lengthAndEnumOk (param $fe i32) (param $p i32) (param $len i32) (result i32)
    (local $max i32) (local $e i32) (local $n i32) (local $elen i32)
    (local.set $max (i32.load offset=8 (local.get $fe)))
    ;; Counted only past the limit in bytes (a code point is at least one byte).
    (if (i32.and (i32.ge_s (local.get $max) (i32.const 0)) (i32.gt_s (local.get $len) (local.get $max)))
      (then
        (if (i32.gt_s (call $codePoints (local.get $p) (local.get $len)) (local.get $max))
          (then (return (i32.const 0))))))
    (if (i32.eqz (i32.load offset=12 (local.get $fe))) (then (return (i32.const 1))))
    (local.set $e (i32.load offset=16 (local.get $fe)))
    (local.set $n (i32.load offset=20 (local.get $fe)))
    (block $out
      (loop $next
        (br_if $out (i32.eqz (local.get $n)))
        (local.set $elen (i32.load (local.get $e)))
        (if (i32.eq (local.get $elen) (local.get $len))
          (then
            (if (call $same (local.get $p) (i32.add (local.get $e) (i32.const 4)) (local.get $len))
              (then (return (i32.const 1))))))
        (local.set $e (i32.add (local.get $e) (i32.add (i32.const 4) (i32.and (i32.add (local.get $elen) (i32.const 3)) (i32.const -4)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; `stringOk`: the format of the field's type, then its length and enum.
  (func $stringOk (param $fe i32) (param $type i32) (param $p i32) (param $len i32) (result i32)
    (if (i32.eq (local.get $type) (i32.const 4))
      (then (if (i32.eqz (call $isDatetimeShape (local.get $p) (local.get $len))) (then (return (i32.const 0)))))
      (else
        (if (i32.eq (local.get $type) (i32.const 5))
          (then
            (if (i32.ne (local.get $len) (i32.const 36)) (then (return (i32.const 0))))
            (if (i32.eqz (call $isUuid (local.get $p))) (then (return (i32.const 0)))))
          (else
            (if (i32.and (i32.ne (local.get $type) (i32.const 0)) (i32.ne (local.get $type) (i32.const 6)))
              (then (return (i32.const 0))))))))
    (call $lengthAndEnumOk (local.get $fe) (local.get $p) (local.get $len)))

  ;; A JSON number at $i into the f64 at $out; the index after it, or -1 (none, or not exactly
  ;; known here). Up to 15 digits and a power of ten up to 22 the value is one correctly
  ;; rounded operation on exact operands, so it is the double JSON.parse makes.
  (func $number (param $i i32) (param $to i32) (param $out i32) (result i32)
    (local $neg i32) (local $ch i32) (local $m i64) (local $digits i32) (local $frac i32)
    (local $exp i32) (local $eneg i32) (local $first i32) (local $e i32) (local $v f64) (local $p f64)
    (local.set $neg (i32.eq (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))) (i32.const 45)))
    (if (local.get $neg) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (if (i32.ge_s (local.get $i) (local.get $to)) (then (return (i32.const -1))))
    (local.set $ch (i32.load8_u (local.get $i)))
    (if (i32.eq (local.get $ch) (i32.const 48))
      (then
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $digits (i32.const 1)))
      (else
        (if (i32.gt_u (i32.sub (local.get $ch) (i32.const 49)) (i32.const 8)) (then (return (i32.const -1))))
        (block $out
          (loop $next
            (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
            (local.set $ch (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (br_if $out (i32.gt_u (local.get $ch) (i32.const 9)))
            (if (i32.ge_s (local.get $digits) (i32.const 15)) (then (return (i32.const -1))))
            (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $ch))))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))))
    (if (i32.eq (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))) (i32.const 46))
      (then
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $first (local.get $i))
        (block $out
          (loop $next
            (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
            (local.set $ch (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (br_if $out (i32.gt_u (local.get $ch) (i32.const 9)))
            (if (i32.ge_s (local.get $digits) (i32.const 15)) (then (return (i32.const -1))))
            (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $ch))))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (local.set $frac (i32.add (local.get $frac) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (i32.eq (local.get $i) (local.get $first)) (then (return (i32.const -1))))))
    (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
    (if (i32.or (i32.eq (local.get $ch) (i32.const 101)) (i32.eq (local.get $ch) (i32.const 69)))
      (then
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
        (local.set $eneg (i32.eq (local.get $ch) (i32.const 45)))
        (if (i32.or (local.get $eneg) (i32.eq (local.get $ch) (i32.const 43)))
          (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (local.set $first (local.get $i))
        (block $out
          (loop $next
            (br_if $out (i32.ge_s (local.get $i) (local.get $to)))
            (local.set $ch (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (br_if $out (i32.gt_u (local.get $ch) (i32.const 9)))
            ;; Past four digits the power is out of reach anyway; the value stops growing.
            (if (i32.lt_s (local.get $exp) (i32.const 10000))
              (then (local.set $exp (i32.add (i32.mul (local.get $exp) (i32.const 10)) (local.get $ch)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (i32.eq (local.get $i) (local.get $first)) (then (return (i32.const -1))))
        (if (local.get $eneg) (then (local.set $exp (i32.sub (i32.const 0) (local.get $exp)))))))
    (local.set $e (i32.sub (local.get $exp) (local.get $frac)))
    (if (i32.gt_u (i32.add (local.get $e) (i32.const 22)) (i32.const 44)) (then (return (i32.const -1))))
    (local.set $v (f64.convert_i64_u (local.get $m)))
    (if (local.get $e)
      (then
        ;; 10^|e| by repeated products: every power up to 10^22 is exact.
        (local.set $p (f64.const 1))
        (local.set $first (select (local.get $e) (i32.sub (i32.const 0) (local.get $e)) (i32.ge_s (local.get $e) (i32.const 0))))
        (block $out
          (loop $next
            (br_if $out (i32.eqz (local.get $first)))
            (local.set $p (f64.mul (local.get $p) (f64.const 10)))
            (local.set $first (i32.sub (local.get $first) (i32.const 1)))
            (br $next)))
        (if (i32.ge_s (local.get $e) (i32.const 0))
          (then (local.set $v (f64.mul (local.get $v) (local.get $p))))
          (else (local.set $v (f64.div (local.get $v) (local.get $p)))))))
    (if (local.get $neg) (then (local.set $v (f64.neg (local.get $v)))))
    (f64.store (local.get $out) (local.get $v))
    (local.get $i))

  ;; `value`: the value at $i into field $f's slots; the index after it, or -1.
  (func $value (param $c i32) (param $i i32) (param $to i32) (param $f i32) (result i32)
    (local $fe i32) (local $type i32) (local $ch i32) (local $fixed i32) (local $j i32) (local $ok i32) (local $end i32) (local $v f64) (local $len i32)
    (local.set $fe (i32.add (i32.load offset=16 (local.get $c)) (i32.shl (local.get $f) (i32.const 5))))
    (local.set $type (i32.load (local.get $fe)))
    (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
    (if (i32.eq (local.get $ch) (i32.const 34))
      (then
        ;; A uuid or datetime of its usual shape has a known length: that closing quote first.
        (local.set $fixed
          (select (i32.const 36) (select (i32.const 24) (i32.const -1) (i32.eq (local.get $type) (i32.const 4))) (i32.eq (local.get $type) (i32.const 5))))
        (local.set $j (i32.add (i32.add (local.get $i) (i32.const 1)) (local.get $fixed)))
        (if (i32.ge_s (local.get $fixed) (i32.const 0))
          (then
            (if (i32.lt_s (local.get $j) (local.get $to))
              (then
                (if (i32.eq (i32.load8_u (local.get $j)) (i32.const 34))
                  (then
                    (local.set $ok
                      (if (result i32) (i32.eq (local.get $type) (i32.const 5))
                        (then (call $isUuid (i32.add (local.get $i) (i32.const 1))))
                        (else (call $isDatetimeShape (i32.add (local.get $i) (i32.const 1)) (i32.const 24)))))
                    (if (local.get $ok)
                      (then (local.set $ok (call $lengthAndEnumOk (local.get $fe) (i32.add (local.get $i) (i32.const 1)) (local.get $fixed)))))))))))
        (if (i32.eqz (local.get $ok))
          (then
            ;; The closing quote, the string's bytes looked at on the way (`stringEnd`): a uuid or
            ;; datetime of the usual shape, above, holds no needle and nothing odd; outside
            ;; strings JSON has no such bytes.
            (local.set $j (call $stringEnd (i32.add (local.get $i) (i32.const 1)) (local.get $to)))
            (if (i32.lt_s (local.get $j) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $len (i32.sub (local.get $j) (i32.add (local.get $i) (i32.const 1))))
            (if (i32.eqz (call $stringOk (local.get $fe) (local.get $type) (i32.add (local.get $i) (i32.const 1)) (local.get $len)))
              (then
                ;; A datetime of another shape may still be one the JS scan takes.
                (if (i32.eq (local.get $type) (i32.const 4)) (then (global.set $unsure (i32.const 1))))
                (return (i32.const -1))))))
        (i32.store (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))) (i32.const 2))
        (i32.store (i32.add (i32.load offset=32 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
        (i32.store (i32.add (i32.load offset=36 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))) (local.get $j))
        (return (i32.add (local.get $j) (i32.const 1)))))
    (if (i32.or (i32.eq (local.get $ch) (i32.const 45)) (i32.le_u (i32.sub (local.get $ch) (i32.const 48)) (i32.const 9)))
      (then
        (local.set $end (call $number (local.get $i) (local.get $to)
          (i32.add (i32.load offset=40 (local.get $c)) (i32.shl (local.get $f) (i32.const 3)))))
        ;; Past 15 digits or 10^±22, or an enum on a number: the JS scan decides.
        (if (i32.lt_s (local.get $end) (i32.const 0)) (then (global.set $unsure (i32.const 1)) (return (i32.const -1))))
        (if (i32.load offset=12 (local.get $fe)) (then (global.set $unsure (i32.const 1)) (return (i32.const -1))))
        (local.set $v (f64.load (i32.add (i32.load offset=40 (local.get $c)) (i32.shl (local.get $f) (i32.const 3)))))
        (if (i32.eqz
              (i32.or
                (i32.or (i32.eq (local.get $type) (i32.const 2)) (i32.eq (local.get $type) (i32.const 6)))
                ;; An integer past 2^53 shares its double with others: only the full path reads it, as written.
                (i32.and (i32.eq (local.get $type) (i32.const 1))
                  (i32.and (f64.eq (f64.trunc (local.get $v)) (local.get $v)) (f64.lt (f64.abs (local.get $v)) (f64.const 9007199254740992))))))
          (then (return (i32.const -1))))
        (i32.store (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))) (i32.const 3))
        (return (local.get $end))))
    (if (i32.or (i32.eq (local.get $ch) (i32.const 116)) (i32.eq (local.get $ch) (i32.const 102)))
      (then
        (local.set $len (select (i32.const 4) (i32.const 5) (i32.eq (local.get $ch) (i32.const 116))))
        (if (i32.gt_s (i32.add (local.get $i) (local.get $len)) (local.get $to)) (then (return (i32.const -1))))
        ;; "true" and "alse" (after the "f") as little-endian words.
        (if (i32.eqz
              (select
                (i32.eq (i32.load (local.get $i)) (i32.const 0x65757274))
                (i32.eq (i32.load offset=1 (local.get $i)) (i32.const 0x65736c61))
                (i32.eq (local.get $len) (i32.const 4))))
          (then (return (i32.const -1))))
        (if (i32.and (i32.ne (local.get $type) (i32.const 3)) (i32.ne (local.get $type) (i32.const 6))) (then (return (i32.const -1))))
        ;; An enum on a boolean: the JS scan decides.
        (if (i32.load offset=12 (local.get $fe)) (then (global.set $unsure (i32.const 1)) (return (i32.const -1))))
        (i32.store (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2)))
          (select (i32.const 4) (i32.const 5) (i32.eq (local.get $len) (i32.const 4))))
        (return (i32.add (local.get $i) (local.get $len)))))
    (if (i32.eq (local.get $ch) (i32.const 110))
      (then
        (if (i32.and
              (i32.eqz (i32.load offset=4 (local.get $fe)))
              (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $to)))
          (then
            (if (i32.eq (i32.load (local.get $i)) (i32.const 0x6c6c756e))
              (then
                (i32.store (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))) (i32.const 1))
                (return (i32.add (local.get $i) (i32.const 4)))))))))
    (i32.const -1))

  ;; `key`: the closing quote of the key at $i, with its field in order[$at]; -1 when the key is
  ;; not a field. The last record's field at this position is tried first.
  (func $key (param $c i32) (param $i i32) (param $to i32) (param $at i32) (result i32)
    (local $nf i32) (local $slot i32) (local $guess i32) (local $fe i32) (local $len i32) (local $end i32) (local $f i32)
    (local.set $nf (i32.load (local.get $c)))
    (if (i32.ge_s (local.get $at) (local.get $nf)) (then (return (i32.const -1))))
    (local.set $slot (i32.add (i32.load offset=20 (local.get $c)) (i32.shl (local.get $at) (i32.const 2))))
    (local.set $guess (i32.load (local.get $slot)))
    (if (i32.ge_s (local.get $guess) (i32.const 0))
      (then
        (local.set $fe (i32.add (i32.load offset=16 (local.get $c)) (i32.shl (local.get $guess) (i32.const 5))))
        (local.set $len (i32.load offset=28 (local.get $fe)))
        (if (i32.ge_s (local.get $len) (i32.const 0))
          (then
            (local.set $end (i32.add (local.get $i) (local.get $len)))
            (if (i32.lt_s (local.get $end) (local.get $to))
              (then
                (if (i32.eq (i32.load8_u (local.get $end)) (i32.const 34))
                  (then
                    ;; A name of up to eight bytes is one masked compare (the bytes read past a
                    ;; name or a key lie in the layout or the run's padding).
                    (if (i32.le_u (local.get $len) (i32.const 8))
                      (then
                        (if (i64.eqz
                              (i64.and
                                (i64.xor (i64.load (local.get $i)) (i64.load (i32.load offset=24 (local.get $fe))))
                                (i64.shr_u (i64.const -1) (i64.extend_i32_u (i32.shl (i32.sub (i32.const 8) (local.get $len)) (i32.const 3))))))
                          (then (return (local.get $end)))))
                      (else
                        (if (call $same (local.get $i) (i32.load offset=24 (local.get $fe)) (local.get $len))
                          (then (return (local.get $end))))))))))))))
    (local.set $end (call $quote (local.get $i) (local.get $to)))
    (if (i32.lt_s (local.get $end) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $len (i32.sub (local.get $end) (local.get $i)))
    ;; From the last field down, as the JS side's Map keeps the last of equal names.
    (local.set $f (local.get $nf))
    (block $none
      (loop $next
        (br_if $none (i32.eqz (local.get $f)))
        (local.set $f (i32.sub (local.get $f) (i32.const 1)))
        (local.set $fe (i32.add (i32.load offset=16 (local.get $c)) (i32.shl (local.get $f) (i32.const 5))))
        (if (i32.eq (i32.load offset=28 (local.get $fe)) (local.get $len))
          (then
            (if (call $same (local.get $i) (i32.load offset=24 (local.get $fe)) (local.get $len))
              (then
                (i32.store (local.get $slot) (local.get $f))
                (return (local.get $end))))))
        (br $next)))
    (i32.const -1))

  ;; The key digests of keys.ts (`digestUtf8`, `digestScalar`, `finish`), bit for bit: the
  ;; same values must give the same digests whichever side scanned them.
  (func $finish (param $h1 i32) (param $h2 i32) (param $out i32)
    (local.set $h1 (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 16))) (i32.const 2246822507)))
    (local.set $h1 (i32.xor (local.get $h1) (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 13))) (i32.const 3266489909))))
    (local.set $h2 (i32.mul (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 16))) (i32.const 2246822507)))
    (local.set $h2 (i32.xor (local.get $h2) (i32.mul (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 13))) (i32.const 3266489909))))
    (i32.store offset=4 (local.get $out) (local.get $h1))
    (i32.store offset=8 (local.get $out) (local.get $h2)))

  ;; A string by its UTF-8 bytes [$p, $p + $len): the quote, the length, then four bytes a step.
  (func $digestBytes (param $p i32) (param $len i32) (param $out i32)
    (local $h1 i32) (local $h2 i32) (local $end i32) (local $w i32) (local $shift i32)
    (local.set $h1 (i32.mul (i32.xor (i32.mul (i32.xor (i32.load (i32.const 256)) (i32.const 34)) (i32.const 2654435761)) (local.get $len)) (i32.const 2654435761)))
    (local.set $h2 (i32.mul (i32.xor (i32.mul (i32.xor (i32.load (i32.const 260)) (i32.const 34)) (i32.const 1597334677)) (local.get $len)) (i32.const 1597334677)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $out
      (loop $word
        (br_if $out (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $end)))
        (local.set $w (i32.load (local.get $p)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $w)) (i32.const 2654435761)))
        (local.set $h1 (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 15))))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $w)) (i32.const 1597334677)))
        (local.set $h2 (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 15))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $word)))
    (if (i32.lt_s (local.get $p) (local.get $end))
      (then
        (local.set $w (i32.const 0))
        (block $out
          (loop $byte
            (br_if $out (i32.ge_s (local.get $p) (local.get $end)))
            (local.set $w (i32.or (local.get $w) (i32.shl (i32.load8_u (local.get $p)) (local.get $shift))))
            (local.set $shift (i32.add (local.get $shift) (i32.const 8)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $byte)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $w)) (i32.const 2654435761)))
        (local.set $h1 (i32.xor (local.get $h1) (i32.shr_u (local.get $h1) (i32.const 15))))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $w)) (i32.const 1597334677)))
        (local.set $h2 (i32.xor (local.get $h2) (i32.shr_u (local.get $h2) (i32.const 15))))))
    (call $finish (local.get $h1) (local.get $h2) (local.get $out)))

  ;; A number by its value: a tag, then the int32 or the two words of the double.
  (func $digestNumber (param $v f64) (param $out i32)
    (local $h1 i32) (local $h2 i32) (local $i i32) (local $bits i64) (local $w0 i32)
    (local.set $i (i32.trunc_sat_f64_s (local.get $v)))
    (local.set $w0 (select (i32.const 0x10000) (i32.const 0x10001) (f64.eq (f64.convert_i32_s (local.get $i)) (local.get $v))))
    (local.set $h1 (i32.mul (i32.xor (i32.load (i32.const 256)) (local.get $w0)) (i32.const 2654435761)))
    (local.set $h2 (i32.mul (i32.xor (i32.load (i32.const 260)) (local.get $w0)) (i32.const 1597334677)))
    (if (i32.eq (local.get $w0) (i32.const 0x10000))
      (then
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $i)) (i32.const 2654435761)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $i)) (i32.const 1597334677))))
      (else
        (local.set $bits (i64.reinterpret_f64 (local.get $v)))
        (local.set $i (i32.wrap_i64 (local.get $bits)))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $i)) (i32.const 2654435761)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $i)) (i32.const 1597334677)))
        (local.set $i (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
        (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $i)) (i32.const 2654435761)))
        (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $i)) (i32.const 1597334677)))))
    (call $finish (local.get $h1) (local.get $h2) (local.get $out)))

  ;; Each key field's digest of the record just scanned (scan number $no), into the layout's out.
  (func $digests (param $c i32) (param $no i32)
    (local $n i32) (local $list i32) (local $out i32) (local $f i32) (local $kind i32) (local $w0 i32)
    (local.set $n (i32.load offset=44 (local.get $c)))
    (local.set $list (i32.load offset=48 (local.get $c)))
    (local.set $out (i32.load offset=52 (local.get $c)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $f (i32.load (local.get $list)))
        (local.set $kind (i32.const 0))
        (if (i32.ge_s (local.get $f) (i32.const 0))
          (then
            (if (i32.eq (i32.load (i32.add (i32.load offset=24 (local.get $c)) (i32.shl (local.get $f) (i32.const 2)))) (local.get $no))
              (then (local.set $kind (i32.load (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2)))))))))
        ;; Absent and null values have no digest.
        (i32.store (local.get $out) (i32.gt_u (local.get $kind) (i32.const 1)))
        (if (i32.eq (local.get $kind) (i32.const 2))
          (then
            (call $digestBytes
              (i32.load (i32.add (i32.load offset=32 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))))
              (i32.sub
                (i32.load (i32.add (i32.load offset=36 (local.get $c)) (i32.shl (local.get $f) (i32.const 2))))
                (i32.load (i32.add (i32.load offset=32 (local.get $c)) (i32.shl (local.get $f) (i32.const 2)))))
              (local.get $out))))
        (if (i32.eq (local.get $kind) (i32.const 3))
          (then (call $digestNumber (f64.load (i32.add (i32.load offset=40 (local.get $c)) (i32.shl (local.get $f) (i32.const 3)))) (local.get $out))))
        (if (i32.gt_u (local.get $kind) (i32.const 3))
          (then
            ;; true (4) and false (5): a tag alone.
            (local.set $w0 (select (i32.const 0x10002) (i32.const 0x10003) (i32.eq (local.get $kind) (i32.const 4))))
            (call $finish
              (i32.mul (i32.xor (i32.load (i32.const 256)) (local.get $w0)) (i32.const 2654435761))
              (i32.mul (i32.xor (i32.load (i32.const 260)) (local.get $w0)) (i32.const 1597334677))
              (local.get $out))))
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 12)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; `RecordScan.scan` of the line starting at $from, for the collection at $c, within a run of
  ;; lines ending at $to. When the record is one the full path would pass with a non-null
  ;; primary key, the line's end: the index of the line feed after it, or $to (values in
  ;; kind/start/end/num, present fields marked in seen with the scan number at +12, key
  ;; digests in the out); -1 when not sure. Finding the line's end on the way saves a pass over
  ;; the line: nothing here reads past a line feed and goes on (`skipWs` stops at one; a string
  ;; with one is odd, `stringEnd`; a key with one is no field name, which has no control
  ;; character, `plainUtf8`; numbers, literals, uuids and datetimes hold none).
  (func $scan (param $c i32) (param $from i32) (param $to i32) (result i32)
    (local $no i32) (local $required i32) (local $at i32) (local $i i32) (local $ch i32) (local $keyEnd i32) (local $f i32)
    (local $seen i32) (local $fe i32) (local $pk i32)
    (if (i32.ne (if (result i32) (i32.lt_s (local.get $from) (local.get $to)) (then (i32.load8_u (local.get $from))) (else (i32.const -1))) (i32.const 123)) (then (return (i32.const -1))))
    (local.set $seen (i32.load offset=24 (local.get $c)))
    (local.set $no (i32.load offset=12 (local.get $c)))
    (if (i32.eq (local.get $no) (i32.const 0x3fffffff))
      (then
        (memory.fill (local.get $seen) (i32.const 0) (i32.shl (i32.load (local.get $c)) (i32.const 2)))
        (local.set $no (i32.const 0))))
    (local.set $no (i32.add (local.get $no) (i32.const 1)))
    (global.set $needle (i32.load offset=56 (local.get $c)))
    (i32.store offset=12 (local.get $c) (local.get $no))
    (local.set $i (i32.add (local.get $from) (i32.const 1)))
    (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
    (if (i32.le_s (local.get $ch) (i32.const 32))
      (then
        (local.set $i (call $skipWs (local.get $i) (local.get $to)))
        (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))))
    (if (i32.eq (local.get $ch) (i32.const 125))
      (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
      (else
        (loop $member
          (if (i32.ne (local.get $ch) (i32.const 34)) (then (return (i32.const -1))))
          (local.set $keyEnd (call $key (local.get $c) (i32.add (local.get $i) (i32.const 1)) (local.get $to) (local.get $at)))
          ;; A key the scan cannot match (a field name with no byte form is matched by the JS
          ;; scan only): the JS scan decides.
          (if (i32.lt_s (local.get $keyEnd) (i32.const 0)) (then (global.set $unsure (i32.const 1)) (return (i32.const -1))))
          (local.set $f (i32.load (i32.add (i32.load offset=20 (local.get $c)) (i32.shl (local.get $at) (i32.const 2)))))
          (if (i32.eq (i32.load (i32.add (local.get $seen) (i32.shl (local.get $f) (i32.const 2)))) (local.get $no))
            (then (return (i32.const -1))))
          (i32.store (i32.add (local.get $seen) (i32.shl (local.get $f) (i32.const 2))) (local.get $no))
          (local.set $at (i32.add (local.get $at) (i32.const 1)))
          (local.set $i (i32.add (local.get $keyEnd) (i32.const 1)))
          (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
          (if (i32.le_s (local.get $ch) (i32.const 32))
            (then
              (local.set $i (call $skipWs (local.get $i) (local.get $to)))
              (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))))
          (if (i32.ne (local.get $ch) (i32.const 58)) (then (return (i32.const -1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.le_s (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))) (i32.const 32))
            (then (local.set $i (call $skipWs (local.get $i) (local.get $to)))))
          (local.set $i (call $value (local.get $c) (local.get $i) (local.get $to) (local.get $f)))
          (if (i32.lt_s (local.get $i) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $fe (i32.add (i32.load offset=16 (local.get $c)) (i32.shl (local.get $f) (i32.const 5))))
          (if (i32.load offset=4 (local.get $fe))
            (then
              (if (i32.ne (i32.load (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 1))
                (then (local.set $required (i32.add (local.get $required) (i32.const 1)))))))
          (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
          (if (i32.le_s (local.get $ch) (i32.const 32))
            (then
              (local.set $i (call $skipWs (local.get $i) (local.get $to)))
              (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.ne (local.get $ch) (i32.const 125))
            (then
              (if (i32.ne (local.get $ch) (i32.const 44)) (then (return (i32.const -1))))
              (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))
              (if (i32.le_s (local.get $ch) (i32.const 32))
                (then
                  (local.set $i (call $skipWs (local.get $i) (local.get $to)))
                  (local.set $ch (if (result i32) (i32.lt_s (local.get $i) (local.get $to)) (then (i32.load8_u (local.get $i))) (else (i32.const -1))))))
              (br $member))))))
    (local.set $pk (i32.load offset=4 (local.get $c)))
    ;; Past the record, only whitespace up to the line feed or the run's end (a \r before the
    ;; line feed among it, as lines.ts drops one before JSON.parse, to which it is whitespace).
    (local.set $i (call $skipWs (local.get $i) (local.get $to)))
    (if (i32.eqz
          (i32.and
            (i32.and
              (i32.or (i32.ge_s (local.get $i) (local.get $to)) (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)))
              (i32.eq (local.get $required) (i32.load offset=8 (local.get $c))))
            (i32.and
              (i32.eq (i32.load (i32.add (local.get $seen) (i32.shl (local.get $pk) (i32.const 2)))) (local.get $no))
              (i32.ne (i32.load (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $pk) (i32.const 2)))) (i32.const 1)))))
      (then (return (i32.const -1))))
    (call $digests (local.get $c) (local.get $no))
    (local.get $i))
  ;; The first line break in [$i, $to), or $to; sixteen bytes a step.
  (func $lineEnd (param $i i32) (param $to i32) (result i32)
    (local $m i32) (local $nl v128)
    (local.set $nl (i8x16.splat (i32.const 10)))
    (block $none
      (loop $step
        (br_if $none (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (local.get $nl))))
        (if (local.get $m)
          (then
            (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (br_if $none (i32.ge_s (local.get $i) (local.get $to)))
            (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step)))
    (local.get $to))

  ;; The closing quote of the string whose bytes start at $p, before $to; -1 when there is none,
  ;; -2 when a backslash comes first (it starts an escape the scan does not decode, maybe of a
  ;; quote) or a control character (JSON.parse refuses one in a string). On the way it sets
  ;; $needle when a secret needle starts in the string ("K", "J", "/", "xox", "gh", "pat":
  ;; NEEDLES in src/secrets.ts; the record may hold a secret, `jsonMayHoldSecret`). Outside its
  ;; strings and keys a record the scan takes holds no needle and nothing JSON.parse refuses:
  ;; punctuation, whitespace (tab and CR too), digits, "e", "true", "false" and "null" (its keys
  ;; are field names: +56 of the layout). Sixteen bytes a step, each also looking one and two
  ;; ahead for the longer needles; only lanes before the quote and before $to count, and what a
  ;; needle's look-ahead reads past them starts with the quote, not a needle's letter.
  (func $stringEnd (param $p i32) (param $to i32) (result i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $odd v128) (local $hit v128) (local $q i32) (local $lim i32) (local $left i32)
    ;; The bytes compared against, splatted once rather than in every step.
    (local $qu v128) (local $bs v128) (local $sp v128) (local $K v128) (local $J v128) (local $sl v128) (local $g v128) (local $h v128) (local $x v128) (local $o v128) (local $p_ v128) (local $a v128) (local $t v128)
    (local.set $qu (i8x16.splat (i32.const 34)))
    (local.set $bs (i8x16.splat (i32.const 92)))
    (local.set $sp (i8x16.splat (i32.const 32)))
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
    (block $none
      (loop $step
        (br_if $none (i32.ge_s (local.get $p) (local.get $to)))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=1 (local.get $p)))
        (local.set $v2 (v128.load offset=2 (local.get $p)))
        (local.set $left (i32.sub (local.get $to) (local.get $p)))
        (local.set $lim
          (select (i32.const 0xffff) (i32.sub (i32.shl (i32.const 1) (local.get $left)) (i32.const 1)) (i32.ge_s (local.get $left) (i32.const 16))))
        (local.set $q (i32.and (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $qu))) (local.get $lim)))
        ;; Only the lanes before the first quote (q & -q is its bit).
        (if (local.get $q) (then (local.set $lim (i32.sub (i32.and (local.get $q) (i32.sub (i32.const 0) (local.get $q))) (i32.const 1)))))
        ;; A string holds no \n before its quote, so every control character in it is odd.
        (local.set $odd (v128.or (i8x16.eq (local.get $v0) (local.get $bs)) (i8x16.lt_u (local.get $v0) (local.get $sp))))
        (local.set $hit
          (v128.or
            (v128.or
              (local.get $odd)
              (v128.or
                (i8x16.eq (local.get $v0) (local.get $K))
                (v128.or (i8x16.eq (local.get $v0) (local.get $J)) (i8x16.eq (local.get $v0) (local.get $sl)))))
            (v128.or
              (v128.and (i8x16.eq (local.get $v0) (local.get $g)) (i8x16.eq (local.get $v1) (local.get $h)))
              (v128.or
                (v128.and
                  (v128.and (i8x16.eq (local.get $v0) (local.get $x)) (i8x16.eq (local.get $v1) (local.get $o)))
                  (i8x16.eq (local.get $v2) (local.get $x)))
                (v128.and
                  (v128.and (i8x16.eq (local.get $v0) (local.get $p_)) (i8x16.eq (local.get $v1) (local.get $a)))
                  (i8x16.eq (local.get $v2) (local.get $t)))))))
        ;; Nearly every step finds nothing: one test, and on.
        (if (v128.any_true (local.get $hit))
          (then
            (if (i32.and (local.get $lim) (i8x16.bitmask (local.get $odd))) (then (return (i32.const -2))))
            (if (i32.and (local.get $lim) (i8x16.bitmask (local.get $hit))) (then (global.set $needle (i32.const 1))))))
        (if (local.get $q) (then (return (i32.add (local.get $p) (i32.ctz (local.get $q))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $step)))
    (i32.const -1))

  ;; Every line of the run [$from, $to) (split on \n as lines.ts splits a run: the last line ends
  ;; at $to), at most $cap of them, scanned with `scan` (which finds a fast line's end);
  ;; returns how many. What it writes at $out, in arrays of $cap entries, one entry a line:
  ;; start (i32), end before the break (i32), and for fast lines the primary key's start (i32),
  ;; end (i32) and number (f64); then fast (u8: `scan` said 1), mark (u8: for a fast line 1 when
  ;; a needle was seen, else 0; for the others, whose bytes the JS side looks at itself, 3 when
  ;; the JS scan might take the line and 4 when it would refuse it too: `unsure`), the
  ;; primary key's kind (u8), and the presence (u8) and digests (hi, lo as u32) of each of the
  ;; collection's $d key fields, $d entries a line; the line's number ($firstLine for the first,
  ;; i32); and the lines the JS side must look at one by one (i32, `exceptions` of them): those
  ;; not taken, those marked, and those longer than $maxLine bytes. Offsets into the run are
  ;; written plus $delta, so they are offsets into the caller's buffer. Lines are handed over in
  ;; bulk: the JS side copies the keys of the stretches of fast records between the exceptions a
  ;; stretch at a time, and no JS runs for the lines in them.
  (func (export "scanRun") (param $c i32) (param $from i32) (param $to i32) (param $out i32) (param $cap i32) (param $delta i32)
    (param $firstLine i32) (param $maxLine i32) (result i32)
    (local $n i32) (local $pos i32) (local $nl i32) (local $d i32) (local $k i32) (local $pk i32)
    (local $aLine i32) (local $aExc i32) (local $exc i32) (local $plain i32)
    (local $aEnd i32) (local $aFast i32) (local $aMark i32) (local $aKind i32) (local $aPkS i32) (local $aPkE i32) (local $aNum i32) (local $aPres i32) (local $aDig i32)
    (local $src i32) (local $pres i32) (local $dig i32)
    (local.set $d (i32.load offset=44 (local.get $c)))
    (local.set $pk (i32.load offset=4 (local.get $c)))
    (local.set $aEnd (i32.add (local.get $out) (i32.shl (local.get $cap) (i32.const 2))))
    (local.set $aPkS (i32.add (local.get $aEnd) (i32.shl (local.get $cap) (i32.const 2))))
    (local.set $aPkE (i32.add (local.get $aPkS) (i32.shl (local.get $cap) (i32.const 2))))
    (local.set $aNum (i32.add (local.get $aPkE) (i32.shl (local.get $cap) (i32.const 2))))
    (local.set $aFast (i32.add (local.get $aNum) (i32.shl (local.get $cap) (i32.const 3))))
    (local.set $aMark (i32.add (local.get $aFast) (local.get $cap)))
    (local.set $aKind (i32.add (local.get $aMark) (local.get $cap)))
    (local.set $aPres (i32.add (local.get $aKind) (local.get $cap)))
    (local.set $aDig (i32.add (local.get $aPres) (i32.mul (local.get $cap) (local.get $d))))
    (local.set $aLine (i32.add (local.get $aDig) (i32.shl (i32.mul (local.get $cap) (local.get $d)) (i32.const 3))))
    (local.set $aExc (i32.add (local.get $aLine) (i32.shl (local.get $cap) (i32.const 2))))
    (local.set $pos (local.get $from))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $n) (local.get $cap)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $pos) (local.get $delta)))
        (i32.store (i32.add (local.get $aLine) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $firstLine) (local.get $n)))
        (local.set $plain (i32.const 0))
        (global.set $unsure (i32.const 0))
        (local.set $nl (call $scan (local.get $c) (local.get $pos) (local.get $to)))
        (if (i32.ge_s (local.get $nl) (i32.const 0))
          (then
            (local.set $plain (i32.eqz (global.get $needle)))
            (i32.store8 (i32.add (local.get $aMark) (local.get $n)) (global.get $needle))
            (i32.store8 (i32.add (local.get $aFast) (local.get $n)) (i32.const 1))
            (i32.store8 (i32.add (local.get $aKind) (local.get $n))
              (i32.load (i32.add (i32.load offset=28 (local.get $c)) (i32.shl (local.get $pk) (i32.const 2)))))
            (i32.store (i32.add (local.get $aPkS) (i32.shl (local.get $n) (i32.const 2)))
              (i32.add (i32.load (i32.add (i32.load offset=32 (local.get $c)) (i32.shl (local.get $pk) (i32.const 2)))) (local.get $delta)))
            (i32.store (i32.add (local.get $aPkE) (i32.shl (local.get $n) (i32.const 2)))
              (i32.add (i32.load (i32.add (i32.load offset=36 (local.get $c)) (i32.shl (local.get $pk) (i32.const 2)))) (local.get $delta)))
            (f64.store (i32.add (local.get $aNum) (i32.shl (local.get $n) (i32.const 3)))
              (f64.load (i32.add (i32.load offset=40 (local.get $c)) (i32.shl (local.get $pk) (i32.const 3)))))
            ;; The key digests `scan` left at +52 as (present, hi, lo), taken apart.
            (local.set $src (i32.load offset=52 (local.get $c)))
            (local.set $pres (i32.add (local.get $aPres) (i32.mul (local.get $n) (local.get $d))))
            (local.set $dig (i32.add (local.get $aDig) (i32.shl (i32.mul (local.get $n) (local.get $d)) (i32.const 3))))
            (local.set $k (i32.const 0))
            (block $keys
              (loop $key
                (br_if $keys (i32.ge_u (local.get $k) (local.get $d)))
                (i32.store8 (i32.add (local.get $pres) (local.get $k)) (i32.load (local.get $src)))
                (i64.store (local.get $dig) (i64.load offset=4 (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 12)))
                (local.set $dig (i32.add (local.get $dig) (i32.const 8)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $key))))
          (else
            ;; Not taken (a line in a hundred at most, usually): its end is looked for apart.
            (local.set $nl (call $lineEnd (local.get $pos) (local.get $to)))
            (i32.store8 (i32.add (local.get $aFast) (local.get $n)) (i32.const 0))
            ;; Not taken: 3 when the JS scan might take it, 4 when it would refuse it too.
            (i32.store8 (i32.add (local.get $aMark) (local.get $n)) (select (i32.const 3) (i32.const 4) (global.get $unsure)))))
        (i32.store (i32.add (local.get $aEnd) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $nl) (local.get $delta)))
        ;; Every line but a plain fast record within the length limit is the JS side's to look at.
        (if (i32.eqz (i32.and (local.get $plain) (i32.le_s (i32.sub (local.get $nl) (local.get $pos)) (local.get $maxLine))))
          (then
            (i32.store (i32.add (local.get $aExc) (i32.shl (local.get $exc) (i32.const 2))) (local.get $n))
            (local.set $exc (i32.add (local.get $exc) (i32.const 1)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $nl) (local.get $to)))
        (local.set $pos (i32.add (local.get $nl) (i32.const 1)))
        (br $line)))
    (global.set $exceptions (local.get $exc))
    (local.get $n)))
