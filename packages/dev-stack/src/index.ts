export { freePorts } from "./net";
export { type ProvidedServices, provideServices } from "./services";
export { type StackPaths, stackPaths } from "./stack";
