export * from './native-binding';
