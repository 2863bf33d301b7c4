import './sensor-page.ts';
