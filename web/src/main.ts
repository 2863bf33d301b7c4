import './swivel-app.ts';
