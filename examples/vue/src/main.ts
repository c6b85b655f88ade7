import { createApp } from 'vue';
import '@flagline/elements/define.js'; // registers the four tags before Vue renders them
import App from './App.vue';

createApp(App).mount('#app');
