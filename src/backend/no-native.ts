// What `#native-binding` (package.json `imports`) resolves to under the `workerd`, `worker` and
// `browser` conditions, which Workers' and browsers' bundlers set: no native addon loads there,
// so this stands in for binding.js and its platform packages, and loading it fails with the
// reason, which the backend choice records (nativeLoadError()) before it uses js.

throw new Error('this bundle is for Workers or a browser (the workerd, worker or browser condition), where no native addon loads: the js backend runs');
