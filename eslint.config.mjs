// ESLint for the browser scripts in web/static (plain scripts, no bundler): the
// recommended rules, browser globals, and the libraries the pages load before them.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["web/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {
        ...globals.browser,
        BpmnJS: "readonly",     // bpmn-js, from /vendor/bpmn-*.js
        Chart: "readonly",      // Chart.js, from /vendor/chart.umd.js
        bootstrap: "readonly",  // Bootstrap's bundle
      },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
    },
  },
];
