;; The batch loops of src/digest-set.ts over its table in this module's memory (one instance
;; per set): the same open-addressing table of (hi, lo) pairs, (0, 0) empty, a digest's home
;; slot lo × slots / 2³², linear probing. Each loop first reads the home slot of every digest
;; of the column, in a loop with nothing else to wait for, so the cache misses of a table that
;; outgrows the caches overlap; then it does the work.
;;
;; A batch (key-checks.ts) is copied in as it is: $dig holds (hi, lo) pairs, $pres one byte a
;; slot, `stride` slots a record; the column's digests are slots $column, $column + stride, ...
;; Found places are written to $hits as record numbers, in order. $warm: the table is larger
;; than the caches, so the touching pass pays.
(module
  (memory (export "memory") 1)

  ;; Written out in place below (V8 does not inline Wasm calls): a low half is
  ;; stored as (select 1 lo (hi|lo == 0)), since (0, 0) marks an empty slot and the all-zero
  ;; digest is kept as (0, 1); a home slot is trunc(lo × scale).

  ;; Reads the home slot of each present digest of the column; the xor of what it read, so the
  ;; loads are not dropped.
  (func $touch (param $tab i32) (param $scale f64) (param $dig i32) (param $pres i32) (param $stride i32) (param $column i32) (param $n i32) (result i32)
    (local $k i32) (local $s i32) (local $seen i32) (local $p i32)
    (local.set $s (local.get $column))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.load8_u (i32.add (local.get $pres) (local.get $s)))
          (then
            (local.set $p (i32.add (local.get $dig) (i32.shl (local.get $s) (i32.const 3))))
            (local.set $seen
              (i32.xor (local.get $seen)
                (i32.load (i32.add (local.get $tab)
                  (i32.shl
                    (i32.trunc_f64_u (f64.mul
                      (f64.convert_i32_u (select (i32.const 1) (i32.load offset=4 (local.get $p))
                        (i32.eqz (i32.or (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))))
                      (local.get $scale)))
                    (i32.const 3))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $s (i32.add (local.get $s) (local.get $stride)))
        (br $next)))
    (local.get $seen))

  ;; The slot of (hi, lo) if it is there, else -1 - the empty slot it would take.
  (func $probe (param $tab i32) (param $slots i32) (param $scale f64) (param $hi i32) (param $lo i32) (result i32)
    (local $slot i32) (local $p i32) (local $h i32) (local $l i32)
    (local.set $slot (i32.trunc_f64_u (f64.mul (f64.convert_i32_u (local.get $lo)) (local.get $scale))))
    (loop $next
      (local.set $p (i32.add (local.get $tab) (i32.shl (local.get $slot) (i32.const 3))))
      (local.set $h (i32.load (local.get $p)))
      (local.set $l (i32.load offset=4 (local.get $p)))
      (if (i32.eqz (i32.or (local.get $h) (local.get $l))) (then (return (i32.sub (i32.const -1) (local.get $slot)))))
      (if (i32.and (i32.eq (local.get $h) (local.get $hi)) (i32.eq (local.get $l) (local.get $lo))) (then (return (local.get $slot))))
      (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
      (if (i32.eq (local.get $slot) (local.get $slots)) (then (local.set $slot (i32.const 0))))
      (br $next))
    (unreachable))

  ;; Adds the column's digests from record $from on, in order, writing the records whose digest
  ;; was there already to $hits (their count to $out, the digests added to $out + 4). Stops
  ;; before the digest that would be addition number $room + 1 (the table must grow first):
  ;; returns the record it stopped at, or $n.
  (func (export "addColumn")
    (param $tab i32) (param $slots i32) (param $scale f64) (param $warm i32) (param $room i32)
    (param $dig i32) (param $pres i32) (param $stride i32) (param $column i32) (param $from i32) (param $n i32)
    (param $hits i32) (param $out i32) (result i32)
    (local $k i32) (local $s i32) (local $p i32) (local $hi i32) (local $lo i32) (local $at i32) (local $nh i32) (local $added i32)
    (if (i32.and (local.get $warm) (i32.eqz (local.get $from)))
      (then (drop (call $touch (local.get $tab) (local.get $scale) (local.get $dig) (local.get $pres) (local.get $stride) (local.get $column) (local.get $n)))))
    (local.set $k (local.get $from))
    (local.set $s (i32.add (local.get $column) (i32.mul (local.get $from) (local.get $stride))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.load8_u (i32.add (local.get $pres) (local.get $s)))
          (then
            (local.set $p (i32.add (local.get $dig) (i32.shl (local.get $s) (i32.const 3))))
            (local.set $hi (i32.load (local.get $p)))
            (local.set $lo (i32.load offset=4 (local.get $p)))
            (if (i32.eqz (i32.or (local.get $hi) (local.get $lo))) (then (local.set $lo (i32.const 1))))
            (local.set $at (call $probe (local.get $tab) (local.get $slots) (local.get $scale) (local.get $hi) (local.get $lo)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then
                (i32.store (i32.add (local.get $hits) (i32.shl (local.get $nh) (i32.const 2))) (local.get $k))
                (local.set $nh (i32.add (local.get $nh) (i32.const 1))))
              (else
                (br_if $done (i32.ge_u (local.get $added) (local.get $room)))
                (local.set $p (i32.add (local.get $tab) (i32.shl (i32.sub (i32.const -1) (local.get $at)) (i32.const 3))))
                (i32.store (local.get $p) (local.get $hi))
                (i32.store offset=4 (local.get $p) (local.get $lo))
                (local.set $added (i32.add (local.get $added) (i32.const 1)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $s (i32.add (local.get $s) (local.get $stride)))
        (br $next)))
    (i32.store (local.get $out) (local.get $nh))
    (i32.store offset=4 (local.get $out) (local.get $added))
    (local.get $k))

  ;; Writes the records whose digest of the column is not in the set to $hits, in order;
  ;; returns how many.
  (func (export "missingColumn")
    (param $tab i32) (param $slots i32) (param $scale f64) (param $warm i32)
    (param $dig i32) (param $pres i32) (param $stride i32) (param $column i32) (param $n i32) (param $hits i32) (result i32)
    (local $k i32) (local $s i32) (local $p i32) (local $hi i32) (local $lo i32) (local $nh i32)
    (if (local.get $warm) (then (drop (call $touch (local.get $tab) (local.get $scale) (local.get $dig) (local.get $pres) (local.get $stride) (local.get $column) (local.get $n)))))
    (local.set $s (local.get $column))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.load8_u (i32.add (local.get $pres) (local.get $s)))
          (then
            (local.set $p (i32.add (local.get $dig) (i32.shl (local.get $s) (i32.const 3))))
            (local.set $hi (i32.load (local.get $p)))
            (local.set $lo (i32.load offset=4 (local.get $p)))
            (if (i32.eqz (i32.or (local.get $hi) (local.get $lo))) (then (local.set $lo (i32.const 1))))
            (if (i32.lt_s (call $probe (local.get $tab) (local.get $slots) (local.get $scale) (local.get $hi) (local.get $lo)) (i32.const 0))
              (then
                (i32.store (i32.add (local.get $hits) (i32.shl (local.get $nh) (i32.const 2))) (local.get $k))
                (local.set $nh (i32.add (local.get $nh) (i32.const 1)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $s (i32.add (local.get $s) (local.get $stride)))
        (br $next)))
    (local.get $nh)))
