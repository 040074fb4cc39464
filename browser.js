export * from 'client-sessions-native-wasm32-wasi'
