export { default } from "../../tsup.apps";
